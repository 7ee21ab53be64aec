"""Starting a full-screen PyQt app for a device (the kiosk, the hall board): its setup read
once from the bus, the bus bridge, the window, and a slot's stray error logged rather
than ending the app (PyQt ends the process on an exception a slot lets escape)."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from hallkit.bus.client import BusError
from hallkit.cli.common import EX_UNAVAILABLE, add_config_arg
from hallkit.cli.console_cmd import add_app_bus_args, app_settings, read_retained

SETUP_WAIT_S = 15.0


def add_app_parser(sub, app: str, help: str, example: str):
    p = sub.add_parser(app, help=help)
    add_config_arg(p)
    p.add_argument("device", help=f"the {app}'s device id in the hall config, e.g. {example}")
    p.add_argument("--window", action="store_true", help="in a window, not full screen (testing)")
    add_app_bus_args(p, app)
    return p


async def read_setup(settings, hall: str, kind: str, device: str):
    """A device's retained setup (from the hall daemon), read once as the device's own user."""
    from hallkit.contract.topics import Topics
    from hallkit.daemons.hall.contract import BoardSetup, KioskSetup
    from hallkit.daemons.rating.contract import RatingSetup

    model = {"kiosk": KioskSetup, "hall_board": BoardSetup, "rating": RatingSetup}[kind]
    return await read_retained(settings, hall, f"{device}-setup", Topics(hall, kind, device).setup,
                               model, SETUP_WAIT_S)


def launch(args, app: str, kind: str, window_class) -> int:
    """``window_class(bridge, hall, device, setup)``; ``kind``: the device's kind, whose
    topics hold its setup and status."""
    settings, hall = app_settings(args, app)
    try:
        setup = asyncio.run(read_setup(settings, hall, kind, args.device))
    except TimeoutError:
        print(f"hallctl {app}: no setup for {args.device} on the bus within {SETUP_WAIT_S:g} s (is "
              f"the hall daemon running, and is this {app} in the hall config?)", file=sys.stderr)
        return EX_UNAVAILABLE
    except BusError as exc:
        print(f"hallctl {app}: {exc}", file=sys.stderr)
        return EX_UNAVAILABLE
    from PyQt6.QtCore import QTimer
    from PyQt6.QtWidgets import QApplication

    from hallkit.contract.topics import Topics
    from hallkit.kiosk_ui.bus_bridge import BusBridge

    sys.excepthook = lambda t, exc, tb: logging.getLogger(f"hallkit.{app}").error(
        f"unexpected error in the {app}", exc_info=(t, exc, tb))
    qt = QApplication(sys.argv)
    qt.setStyle("Fusion")  # palettes as the apps set them, on every platform
    bridge = BusBridge(settings, args.device, hall, status_topic=Topics(hall, kind, args.device).status)
    bridge.start()
    window = window_class(bridge, hall, args.device, setup)
    # Ctrl-C and SIGTERM end the app cleanly; Qt's loop hands Python a moment now and then
    # to see them (it never returns to the interpreter by itself).
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: qt.quit())
    wake = QTimer(interval=250)
    wake.timeout.connect(lambda: None)
    wake.start()
    if args.window:
        window.show()
    else:
        window.showFullScreen()
    code = qt.exec()
    bridge.stop()
    from PyQt6 import sip

    sip.delete(window)  # gone before the QApplication: Python's teardown has no order
    return code
