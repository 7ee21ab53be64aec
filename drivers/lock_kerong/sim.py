"""Kerong CU lock boards on a pty (see drivers/lockboard/sim.py for the doors)."""

from __future__ import annotations

from hallkit.drivers.lock_kerong.codec import (
    BOARD,
    ETX,
    OPEN,
    OPEN_ALL,
    PULSE,
    STATE,
    STATE_REPLY,
    STX,
    Board,
    checksum,
    frame,
)
from hallkit.drivers.lockboard.sim import HostedLockBoards

WHAT = {STATE: "lock", OPEN: "open", BOARD: "board", OPEN_ALL: "open_all", PULSE: "pulse"}


class FramesKerong:
    def requests(self, buffer: bytearray) -> list:
        out = []
        while len(buffer) >= 5:
            length = 6 if buffer[2] == PULSE else 5
            if len(buffer) < length:
                break
            f = bytes(buffer[:length])
            if f[0] != STX or f[-2] != ETX or checksum(f[:-1]) != f[-1] or f[2] not in WHAT:
                del buffer[0]
                continue
            del buffer[:length]
            out.append((f[1] >> 4, WHAT[f[2]], (f[1] & 0x0F) + 1, f))
        return out

    def reply(self, board, what: str, lock: int) -> bytes | None:
        codec: Board = board.board
        addr = board.address * 16 + lock - 1
        if what == "pulse":
            return frame(board.address * 16, PULSE)
        if what in ("lock", "open") and lock > board.locks:
            return None
        return frame(addr, STATE_REPLY, codec.state_bytes(board.open, board.occupied))

    def report(self, board, lock: int) -> bytes | None:
        return None  # Kerong boards speak only when asked


def board_of(device) -> Board:
    return Board(device.address, device.config.locks, device.options.has_ir)


def hosted(line) -> HostedLockBoards:
    return HostedLockBoards(line, FramesKerong(), board_of)
