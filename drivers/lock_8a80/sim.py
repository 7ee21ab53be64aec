"""8A/80 lock boards on a pty (see drivers/lockboard/sim.py for the doors)."""

from __future__ import annotations

from hallkit.drivers.lock_8a80.codec import ASK, OPEN, PULSE, QUERY, REPORT, Board, bcc, frame
from hallkit.drivers.lockboard.sim import HostedLockBoards


class Frames8A80:
    def __init__(self, reports: bool = False) -> None:
        self.reports = reports

    def requests(self, buffer: bytearray) -> list:
        out = []
        while len(buffer) >= 5:
            f = bytes(buffer[:5])
            if f[0] not in (OPEN, QUERY) or bcc(f[:4]) != f[4]:  # noise, or a bad BCC: no answer
                del buffer[0]
                continue
            del buffer[:5]
            if f[0] == OPEN and f[3] == PULSE:
                out.append((f[1], "open_all" if f[2] == 0 else "open", f[2], f))
            elif f[0] == QUERY and f[3] == ASK:
                out.append((f[1], "board" if f[2] == 0 else "lock", f[2], f))
        return out

    def reply(self, board, what: str, lock: int) -> bytes | None:
        codec: Board = board.board
        if what == "open_all":
            return None  # what real boards answer to it varies: this one says nothing
        if what == "board":
            return frame(QUERY, board.address, *codec.locks_to_bits(board.open), ASK)
        if not 1 <= lock <= board.locks:
            return None
        state = self._ss(codec, lock in board.open)
        return frame(OPEN if what == "open" else QUERY, board.address, lock, state)

    def report(self, board, lock: int) -> bytes | None:
        if not self.reports:
            return None
        return frame(REPORT, board.address, lock, self._ss(board.board, lock in board.open))

    @staticmethod
    def _ss(codec: Board, is_open: bool) -> int:
        return codec.open_level if is_open else codec.open_level ^ 0x11


def board_of(device) -> Board:
    o = device.options
    return Board(device.address, device.config.locks, int(o.open_level, 16), o.bitmask_order)


def hosted(line) -> HostedLockBoards:
    reports = any(d.options.reports for d in line.devices)
    return HostedLockBoards(line, Frames8A80(reports), board_of)
