"""hallctl kiosk DEVICE: the self-service kiosk (PyQt6), full screen, for a `kiosk` device.

Like the clerk console it needs nothing but the bus: the hall directory and this
kiosk's own setup (screen, timeouts) are retained topics. On the hall box the hall
config gives the broker and the password; on a kiosk PC, --connect, --hall,
--password-file (and --ca for TLS) do.
"""

from __future__ import annotations

import asyncio
import logging
import sys

from hallkit.bus.client import BusError
from hallkit.cli.common import EX_UNAVAILABLE, add_config_arg
from hallkit.cli.console_cmd import add_app_bus_args, app_settings, read_retained

SETUP_WAIT_S = 15.0


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
    settings, hall = app_settings(args, "kiosk")
    try:
        setup = asyncio.run(read_setup(settings, hall, args.device))
    except TimeoutError:
        print(f"hallctl kiosk: no setup for {args.device} on the bus within {SETUP_WAIT_S:g} s (is "
              "the hall daemon running, and is this kiosk in the hall config?)", file=sys.stderr)
        return EX_UNAVAILABLE
    except BusError as exc:
        print(f"hallctl kiosk: {exc}", file=sys.stderr)
        return EX_UNAVAILABLE
    from PyQt6.QtWidgets import QApplication

    from hallkit.contract.topics import Topics
    from hallkit.kiosk_ui.bus_bridge import BusBridge
    from hallkit.kiosk_ui.kiosk.window import KioskWindow

    # PyQt ends the process on an exception a slot lets escape: a kiosk logs it and stays up.
    sys.excepthook = lambda kind, exc, tb: logging.getLogger("hallkit.kiosk").error(
        "unexpected error in the kiosk", exc_info=(kind, exc, tb))
    app = QApplication(sys.argv)
    app.setStyle("Fusion")  # palettes as the theme sets them, on every platform
    bridge = BusBridge(settings, args.device, hall,
                       status_topic=Topics(hall, "kiosk", args.device).status)
    bridge.start()
    window = KioskWindow(bridge, hall, args.device, setup)
    if args.window:
        window.show()
    else:
        window.showFullScreen()
    code = app.exec()
    bridge.stop()
    return code
