"""hallctl kiosk DEVICE: the self-service kiosk (PyQt6), full screen, for a `kiosk` device.

Like the clerk console it needs nothing but the bus: the hall directory and this
kiosk's own setup (screen, timeouts) are retained topics. On the hall box the hall
config gives the broker and the password; on a kiosk PC, --connect, --hall,
--password-file (and --ca for TLS) do.
"""

from __future__ import annotations

from hallkit.cli import app_launch


def register(sub) -> None:
    app_launch.add_app_parser(sub, "kiosk", "the self-service kiosk screen (a `kiosk` device)",
                              "kiosk-1").set_defaults(func=run)


async def read_setup(settings, hall: str, kiosk: str):
    return await app_launch.read_setup(settings, hall, "kiosk", kiosk)


def run(args) -> int:
    from hallkit.kiosk_ui.kiosk.window import KioskWindow

    return app_launch.launch(args, "kiosk", "kiosk", KioskWindow)
