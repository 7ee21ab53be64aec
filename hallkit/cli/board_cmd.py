"""hallctl board DEVICE: the hall board (PyQt6) on the hall's TV, for a `hall_board` device.

Like the kiosk it needs nothing but the bus: the hall directory, the queue's figures, the
windows' calls and this board's own setup are retained topics.
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
    p = sub.add_parser("board", help="the hall board on the hall's TV (a `hall_board` device)")
    add_config_arg(p)
    p.add_argument("device", help="the board's device id in the hall config, e.g. board-1")
    p.add_argument("--window", action="store_true", help="in a window, not full screen (testing)")
    add_app_bus_args(p, "board")
    p.set_defaults(func=run)


async def read_setup(settings, hall: str, board: str):
    from hallkit.contract.topics import Topics
    from hallkit.daemons.hall.contract import BoardSetup

    return await read_retained(settings, hall, f"{board}-setup", Topics(hall, "hall_board", board).setup,
                               BoardSetup, SETUP_WAIT_S)


def run(args) -> int:
    settings, hall = app_settings(args, "board")
    try:
        setup = asyncio.run(read_setup(settings, hall, args.device))
    except TimeoutError:
        print(f"hallctl board: no setup for {args.device} on the bus within {SETUP_WAIT_S:g} s (is "
              "the hall daemon running, and is this board in the hall config?)", file=sys.stderr)
        return EX_UNAVAILABLE
    except BusError as exc:
        print(f"hallctl board: {exc}", file=sys.stderr)
        return EX_UNAVAILABLE
    from PyQt6.QtWidgets import QApplication

    from hallkit.contract.topics import Topics
    from hallkit.kiosk_ui.board.window import BoardWindow
    from hallkit.kiosk_ui.bus_bridge import BusBridge

    sys.excepthook = lambda kind, exc, tb: logging.getLogger("hallkit.board").error(
        "unexpected error in the hall board", exc_info=(kind, exc, tb))
    app = QApplication(sys.argv)
    app.setStyle("Fusion")
    bridge = BusBridge(settings, args.device, hall,
                       status_topic=Topics(hall, "hall_board", args.device).status)
    bridge.start()
    window = BoardWindow(bridge, hall, args.device, setup)
    if args.window:
        window.show()
    else:
        window.showFullScreen()
    code = app.exec()
    bridge.stop()
    return code
