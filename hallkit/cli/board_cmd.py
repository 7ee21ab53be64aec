"""hallctl board DEVICE: the hall board (PyQt6) on the hall's TV, for a `hall_board` device.

Like the kiosk it needs nothing but the bus: the hall directory, the queue's figures, the
windows' calls and this board's own setup are retained topics.
"""

from __future__ import annotations

from hallkit.cli import app_launch


def register(sub) -> None:
    app_launch.add_app_parser(sub, "board", "the hall board on the hall's TV (a `hall_board` device)",
                              "board-1").set_defaults(func=run)


async def read_setup(settings, hall: str, board: str):
    return await app_launch.read_setup(settings, hall, "hall_board", board)


def run(args) -> int:
    from hallkit.kiosk_ui.board.window import BoardWindow

    return app_launch.launch(args, "board", "hall_board", BoardWindow)
