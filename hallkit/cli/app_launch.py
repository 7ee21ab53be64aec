"""Starting a full-screen PyQt app for a device (the kiosk, the hall board): its setup read
once from the bus, the bus bridge, the window, and a slot's stray error logged rather
than ending the app (PyQt ends the process on an exception a slot lets escape)."""

from __future__ import annotations

import asyncio
import logging
import sys

from hallkit.bus.client import BusError
from hallkit.cli.common import EX_UNAVAILABLE
from hallkit.cli.console_cmd import app_settings

SETUP_WAIT_S = 15.0


def launch(args, app: str, kind: str, read_setup, window_class) -> int:
    """``read_setup(settings, hall, device)``; ``window_class(bridge, hall, device, setup)``;
    ``kind``: the device kind whose topics hold its status."""
    settings, hall = app_settings(args, app)
    try:
        setup = asyncio.run(read_setup(settings, hall, args.device))
    except TimeoutError:
        print(f"hallctl {app}: no setup for {args.device} on the bus within {SETUP_WAIT_S:g} s (is "
              f"the hall daemon running, and is this {app} in the hall config?)", file=sys.stderr)
        return EX_UNAVAILABLE
    except BusError as exc:
        print(f"hallctl {app}: {exc}", file=sys.stderr)
        return EX_UNAVAILABLE
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
    if args.window:
        window.show()
    else:
        window.showFullScreen()
    code = qt.exec()
    bridge.stop()
    return code
