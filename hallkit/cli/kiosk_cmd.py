"""hallctl kiosk DEVICE: the self-service kiosk (PyQt6), full screen, for a `kiosk` device.

Like the clerk console it needs nothing but the bus: the hall directory and this
kiosk's own setup (screen, timeouts) are retained topics. On the hall box the hall
config gives the broker and the password; on a kiosk PC, --connect, --hall,
--password-file (and --ca for TLS) do.
"""

from __future__ import annotations

from hallkit.cli.app_launch import SETUP_WAIT_S, launch
from hallkit.cli.common import add_config_arg
from hallkit.cli.console_cmd import add_app_bus_args, read_retained


def register(sub) -> None:
    p = sub.add_parser("kiosk", help="the self-service kiosk screen (a `kiosk` device)")
    add_config_arg(p)
    p.add_argument("device", help="the kiosk's device id in the hall config, e.g. kiosk-1")
    p.add_argument("--window", action="store_true", help="in a window, not full screen (testing)")
    add_app_bus_args(p, "kiosk")
    p.set_defaults(func=run)


async def read_setup(settings, hall: str, kiosk: str):
    """This kiosk's retained setup, read once as the kiosk's own user."""
    from hallkit.contract.topics import Topics
    from hallkit.daemons.hall.contract import KioskSetup

    return await read_retained(settings, hall, f"{kiosk}-setup", Topics(hall, "kiosk", kiosk).setup,
                               KioskSetup, SETUP_WAIT_S)


def run(args) -> int:
    from hallkit.kiosk_ui.kiosk.window import KioskWindow

    return launch(args, "kiosk", "kiosk", read_setup, KioskWindow)
