"""hallctl board DEVICE: the hall board (PyQt6) on the hall's TV, for a `hall_board` device.

Like the kiosk it needs nothing but the bus: the hall directory, the queue's figures, the
windows' calls and this board's own setup are retained topics.
"""

from __future__ import annotations

from hallkit.cli.app_launch import SETUP_WAIT_S, launch
from hallkit.cli.common import add_config_arg
from hallkit.cli.console_cmd import add_app_bus_args, read_retained


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
    from hallkit.kiosk_ui.board.window import BoardWindow

    return launch(args, "board", "hall_board", read_setup, BoardWindow)
