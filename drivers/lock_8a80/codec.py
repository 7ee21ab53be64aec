"""The 8A/80 lock board's frames (lockboard-8a80.md): open, query one, query all, and the
board's own change reports; BCC = XOR of every byte before it.

Replies are framed by what was asked (``Expect``): the 7-byte reply to "query all" starts
with bytes that also pass as a 5-byte frame, so a reply is looked for only in the shape
the request calls for. A whole valid ``81`` report is taken wherever it arrives.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

from hallkit.drivers.lockboard.frames import BoardState, Expect, LockState, Report

OPEN, QUERY, REPORT = 0x8A, 0x80, 0x81
PULSE, ASK = 0x11, 0x33
OPEN_LEVEL, SHUT_LEVEL = 0x11, 0x00
MAX_BOARD, MAX_LOCKS = 32, 24


def bcc(data: bytes) -> int:
    return reduce(lambda a, b: a ^ b, data, 0)


def frame(*body: int) -> bytes:
    data = bytes(body)
    return data + bytes([bcc(data)])


@dataclass(frozen=True)
class Board:
    """How one board speaks: its address, lock count and the options that vary by vendor."""

    address: int
    locks: int = 24
    open_level: int = OPEN_LEVEL       # the SS byte that means "open" (some boards: 0x00)
    bitmask_order: str = "high-first"  # or "low-first"

    def __post_init__(self) -> None:
        if not 1 <= self.address <= MAX_BOARD:
            raise ValueError(f"board address {self.address} is outside 1-{MAX_BOARD}")
        if not 1 <= self.locks <= MAX_LOCKS:
            raise ValueError(f"{self.locks} locks: an 8A/80 board has 1-{MAX_LOCKS}")

    def _lock(self, lock: int) -> int:
        if not 1 <= lock <= self.locks:  # lock 0 would open every lock on a real board
            raise ValueError(f"lock {lock} is not on board {self.address} (locks 1-{self.locks})")
        return lock

    def open(self, lock: int) -> tuple[bytes, Expect]:
        return frame(OPEN, self.address, self._lock(lock), PULSE), Expect("open", self.address, lock)

    def query(self, lock: int) -> tuple[bytes, Expect]:
        return frame(QUERY, self.address, self._lock(lock), ASK), Expect("lock", self.address, lock)

    def query_all(self) -> tuple[bytes, Expect]:
        return frame(QUERY, self.address, 0, ASK), Expect("board", self.address)

    def open_all(self) -> bytes:
        """Every lock at once: only for a technician's confirmed, audited action."""
        return frame(OPEN, self.address, 0, PULSE)

    def setup(self) -> list[tuple[bytes, Expect]]:
        return []  # nothing to set on these boards

    # -- replies ----------------------------------------------------------------------------
    def is_open(self, ss: int) -> bool:
        return ss == self.open_level

    def bits_to_locks(self, d1: int, d2: int, d3: int) -> frozenset[int]:
        if self.bitmask_order == "low-first":
            ordered = ((d1, 1), (d2, 9), (d3, 17))   # D1 = locks 1-8, bit 0 = lock 1
        else:
            ordered = ((d3, 1), (d2, 9), (d1, 17))   # D3 = locks 8-1, bit 0 = lock 1
        set_bits = {base + bit for byte, base in ordered for bit in range(8) if byte >> bit & 1}
        mine = set(range(1, self.locks + 1))
        if self.open_level != OPEN_LEVEL:  # inverted boards: a set bit means shut
            return frozenset(mine - set_bits)
        return frozenset(set_bits & mine)

    def locks_to_bits(self, open_locks) -> bytes:
        """For the simulator: D1 D2 D3 for these open locks."""
        shown = set(open_locks) if self.open_level == OPEN_LEVEL else \
            set(range(1, self.locks + 1)) - set(open_locks)
        value = sum(1 << (lock - 1) for lock in shown)
        low = [(value >> shift) & 0xFF for shift in (0, 8, 16)]  # locks 1-8, 9-16, 17-24
        return bytes(low if self.bitmask_order == "low-first" else reversed(low))


def board_for(address: int, locks: int, options) -> Board:
    return Board(address, locks, int(options.open_level, 16), options.bitmask_order)


def framer_for(boards: dict[int, Board], options: list) -> Framer:
    return Framer(boards, reports=any(o.reports for o in options))


class Framer:
    """Bytes from the line → replies and reports, for the boards on it."""

    def __init__(self, boards: dict[int, Board], reports: bool = False) -> None:
        self.boards = boards
        self.reports = reports
        self.buffer = bytearray()
        self.skipped = 0  # bytes dropped as noise

    def feed(self, data: bytes, expect: Expect | None) -> list:
        self.buffer += data
        out = []
        while True:
            found = self._next(expect)
            if found is None:
                break
            start, length, message = found
            self.skipped += start
            del self.buffer[:start + length]
            out.append(message)
            if not isinstance(message, Report):
                expect = None  # answered: anything more is noise or a report
        if expect is None and not self.reports:
            self.skipped += len(self.buffer)
            self.buffer.clear()
        elif len(self.buffer) > 64:  # noise never ending in a frame
            self.skipped += len(self.buffer) - 64
            del self.buffer[:-64]
        return out

    def _next(self, expect: Expect | None):
        """The first whole valid frame in the buffer: (where, length, message)."""
        buf = self.buffer
        for i in range(len(buf)):
            if self.reports and buf[i] == REPORT and len(buf) >= i + 5:
                report = self._report(bytes(buf[i:i + 5]))
                if report is not None:
                    return i, 5, report
            if expect is None:
                continue
            if expect.kind == "board" and buf[i] == QUERY and len(buf) >= i + 7:
                reply = self._board(bytes(buf[i:i + 7]), expect)
                if reply is not None:
                    return i, 7, reply
            elif expect.kind in ("open", "lock") and len(buf) >= i + 5:
                reply = self._lock(bytes(buf[i:i + 5]), expect)
                if reply is not None:
                    return i, 5, reply
        return None

    def _report(self, f: bytes):
        board = self.boards.get(f[1])
        if board is None or bcc(f[:4]) != f[4] or not 1 <= f[2] <= board.locks:
            return None
        return Report(f[1], f[2], board.is_open(f[3]))

    def _board(self, f: bytes, expect: Expect):
        if f[1] != expect.board or f[5] != ASK or bcc(f[:6]) != f[6]:
            return None
        board = self.boards[expect.board]
        return BoardState(f[1], board.bits_to_locks(f[2], f[3], f[4]))

    def _lock(self, f: bytes, expect: Expect):
        head = OPEN if expect.kind == "open" else QUERY
        if f[0] != head or f[1] != expect.board or f[2] != expect.lock or bcc(f[:4]) != f[4]:
            return None
        board = self.boards[expect.board]
        return LockState(f[1], f[2], board.is_open(f[3]), to_open=expect.kind == "open")
