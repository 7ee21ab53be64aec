"""Kerong CU12/CU16 lock board frames (lockboard-kerong-cu.md): ``02 ADDR CMD [D…] 03 SUM``,
ADDR = board × 16 + lock index (0-based on the wire: compartment lock n is index n − 1),
SUM = the low byte of the sum of every byte from 02 through 03. Every state reply carries
the whole board."""

from __future__ import annotations

from dataclasses import dataclass

from hallkit.drivers.lockboard.frames import Ack, BoardState, Expect, LockState

STX, ETX = 0x02, 0x03
STATE, OPEN, BOARD, OPEN_ALL, STATE_REPLY, PULSE = 0x30, 0x31, 0x32, 0x33, 0x35, 0x37
MAX_BOARD, MAX_LOCKS = 15, 16


def checksum(data: bytes) -> int:
    return sum(data) & 0xFF


def frame(addr: int, cmd: int, data: bytes = b"") -> bytes:
    body = bytes([STX, addr, cmd, *data, ETX])
    return body + bytes([checksum(body)])


@dataclass(frozen=True)
class Board:
    address: int
    locks: int = 12
    has_ir: bool = False
    pulse_ms: int | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.address <= MAX_BOARD:
            raise ValueError(f"board address {self.address} is outside 0-{MAX_BOARD}")
        if self.locks not in (12, 16):
            raise ValueError(f"{self.locks} locks: a Kerong CU board has 12 or 16")

    def _addr(self, lock: int) -> int:
        if not 1 <= lock <= self.locks:
            raise ValueError(f"lock {lock} is not on board {self.address} (locks 1-{self.locks})")
        return self.address * 16 + lock - 1

    def open(self, lock: int) -> tuple[bytes, Expect]:
        return frame(self._addr(lock), OPEN), Expect("open", self.address, lock)

    def query(self, lock: int) -> tuple[bytes, Expect]:
        return frame(self._addr(lock), STATE), Expect("lock", self.address, lock)

    def query_all(self) -> tuple[bytes, Expect]:
        return frame(self.address * 16, BOARD), Expect("board", self.address)

    def open_all(self) -> bytes:
        """Every lock at once: only for a technician's confirmed, audited action."""
        return frame(self.address * 16, OPEN_ALL)

    def setup(self) -> list[tuple[bytes, Expect]]:
        """What is set on the board when its line opens: the unlock pulse, if configured."""
        return [self.pulse(self.pulse_ms)] if self.pulse_ms else []

    def pulse(self, ms: int) -> tuple[bytes, Expect]:
        if not 10 <= ms <= 2550:
            raise ValueError(f"an unlock pulse of {ms} ms is outside 10-2550")
        return frame(self.address * 16, PULSE, bytes([ms // 10])), Expect("ack", self.address)

    def state_bytes(self, open_locks, occupied=()) -> bytes:
        """For the simulator: L1 L2 I1 I2."""
        def bits(locks) -> int:
            return sum(1 << (lock - 1) for lock in locks)
        lo, ir = bits(open_locks), bits(occupied)
        return bytes([lo & 0xFF, lo >> 8, ir & 0xFF, ir >> 8])

    def decode_state(self, data: bytes) -> tuple[frozenset[int], frozenset[int] | None]:
        def locks(low: int, high: int) -> frozenset[int]:
            value = low | high << 8
            return frozenset(i + 1 for i in range(self.locks) if value >> i & 1)
        return locks(data[0], data[1]), locks(data[2], data[3]) if self.has_ir else None


def board_for(address: int, locks: int, options) -> Board:
    return Board(address, locks, options.has_ir, options.pulse_ms)


def framer_for(boards: dict[int, Board], options: list) -> Framer:
    return Framer(boards)


class Framer:
    """Bytes from the line → replies for the boards on it (Kerong boards send nothing unasked)."""

    def __init__(self, boards: dict[int, Board]) -> None:
        self.boards = boards
        self.buffer = bytearray()
        self.skipped = 0

    def feed(self, data: bytes, expect: Expect | None) -> list:
        self.buffer += data
        if expect is None:
            self.skipped += len(self.buffer)
            self.buffer.clear()
            return []
        length = 5 if expect.kind == "ack" else 9
        for i in range(len(self.buffer) - length + 1):
            f = bytes(self.buffer[i:i + length])
            message = self._parse(f, expect)
            if message is not None:
                self.skipped += i
                del self.buffer[:i + length]
                return [message]
        if len(self.buffer) > 64:
            self.skipped += len(self.buffer) - 64
            del self.buffer[:-64]
        return []

    def _parse(self, f: bytes, expect: Expect):
        if f[0] != STX or f[-2] != ETX or checksum(f[:-1]) != f[-1] or f[1] >> 4 != expect.board:
            return None
        board = self.boards[expect.board]
        if expect.kind == "ack":
            return Ack(expect.board) if f[2] == PULSE else None
        if f[2] != STATE_REPLY:
            return None
        open_locks, occupied = board.decode_state(f[3:7])
        if expect.kind == "board":
            return BoardState(expect.board, open_locks, occupied)
        return LockState(expect.board, expect.lock, expect.lock in open_locks, to_open=expect.kind == "open")
