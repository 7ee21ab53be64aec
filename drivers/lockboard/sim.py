"""Lock boards on a pseudo-terminal, speaking a family's real frames: doors that spring
open a moment after the latch is pulsed (as the boards' sheets say: the open reply still
reads shut), stay open until closed, stick, or are forced; boards that go silent or
answer with bad checksums. A family gives the frames (``Protocol``); this gives the boards."""

from __future__ import annotations

import asyncio
import contextlib
import os
from dataclasses import dataclass, field
from typing import Protocol

from hallkit.drivers.sim.pty import SimPty

SPRING_S = 0.15  # after the pulse, the door swings open


@dataclass
class SimBoard:
    address: int
    locks: int
    board: object                 # the family codec's Board (its address, locks, options)
    open: set[int] = field(default_factory=set)
    stuck: set[int] = field(default_factory=set)       # latch does not release
    occupied: set[int] = field(default_factory=set)    # what an infrared sensor would see
    condition: str = "ok"         # ok, silent (no answers), garble (bad checksums)
    opens: list[int] = field(default_factory=list)     # every lock an open pulse reached


class BoardFrames(Protocol):
    def requests(self, buffer: bytearray) -> list[tuple[int, str, int, bytes]]:
        """Whole requests taken from ``buffer``: (board, what, lock, data)."""

    def reply(self, board: SimBoard, what: str, lock: int) -> bytes | None: ...

    def report(self, board: SimBoard, lock: int) -> bytes | None:
        """What a board that reports changes sends when ``lock`` changes (None: nothing)."""


def bits_per_byte(fmt: str) -> int:
    """Start bit, data bits, parity, stop bits: "8N1" → 10."""
    return 1 + int(fmt[0]) + (fmt[1] != "N") + int(fmt[2])


class LockBoardsSim:
    def __init__(self, boards: list[SimBoard], protocol: BoardFrames, baud: int | None = None,
                 fmt: str = "8N1") -> None:
        # With a baud rate, a reply arrives when the request and the reply would have
        # crossed a real line (a pty itself is instant): the poll bench's byte-time floor.
        self.byte_s = bits_per_byte(fmt) / baud if baud else 0.0
        self._line_free_at = 0.0
        self.pty = SimPty()
        self.master, self.path = self.pty.master, self.pty.path
        self.boards = {b.address: b for b in boards}
        self.protocol = protocol
        self.buffer = bytearray()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._timers: set[asyncio.TimerHandle] = set()

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._loop.add_reader(self.master, self._readable)

    def close(self) -> None:
        if self._loop:
            self._loop.remove_reader(self.master)
        for handle in self._timers:
            handle.cancel()
        self.pty.close()

    def _readable(self) -> None:
        try:
            self.buffer += os.read(self.master, 4096)
        except OSError:  # nothing there, or the host side closed
            return
        for address, what, lock, request in self.protocol.requests(self.buffer):
            board = self.boards.get(address)
            if board is None or board.condition == "silent":
                continue
            if what in ("open", "open_all"):
                self._pulse(board, range(1, board.locks + 1) if what == "open_all" else [lock])
            answer = self.protocol.reply(board, what, lock)
            if answer is not None:
                if board.condition == "garble":
                    answer = answer[:-1] + bytes([answer[-1] ^ 0x5A])
                self._reply(answer, len(request))

    def _reply(self, answer: bytes, asked: int) -> None:
        if not self.byte_s:
            self._write(answer)
            return
        now = self._loop.time()
        self._line_free_at = max(now, self._line_free_at) + (asked + len(answer)) * self.byte_s
        self._at(self._line_free_at, self._write, answer)

    def _at(self, when: float, action, *args) -> None:
        def fire() -> None:
            self._timers.discard(handle)
            action(*args)
        handle = self._loop.call_at(when, fire)
        self._timers.add(handle)

    def _pulse(self, board: SimBoard, locks) -> None:
        for lock in locks:
            board.opens.append(lock)
            if lock not in board.stuck and lock not in board.open:
                self._at(self._loop.time() + SPRING_S, self._spring, board, lock)

    def _spring(self, board: SimBoard, lock: int) -> None:
        self._set(board, lock, True)

    def _set(self, board: SimBoard, lock: int, is_open: bool) -> None:
        if (lock in board.open) == is_open:
            return
        (board.open.add if is_open else board.open.discard)(lock)
        report = self.protocol.report(board, lock)
        if report is not None and board.condition != "silent":
            self._write(report)

    def _write(self, data: bytes) -> None:
        with contextlib.suppress(OSError):
            os.write(self.master, data)

    # -- what a technician (or a test) does to the doors ---------------------------------------
    def door(self, address: int, lock: int, action: str) -> str:
        board = self.boards[address]
        if not 1 <= lock <= board.locks:
            raise ValueError(f"board {address} has locks 1-{board.locks}, not {lock}")
        if action == "close":
            self._set(board, lock, False)
        elif action in ("force", "open"):  # pried open, or opened with the key
            self._set(board, lock, True)
        elif action == "stick":
            board.stuck.add(lock)
        elif action == "free":
            board.stuck.discard(lock)
        elif action in ("fill", "empty"):
            (board.occupied.add if action == "fill" else board.occupied.discard)(lock)
        else:
            raise ValueError(f"no door action {action!r}: close, force, stick, free, fill, empty")
        return self.shows(address)

    def condition(self, address: int, condition: str) -> str:
        if condition not in ("ok", "silent", "garble"):
            raise ValueError(f"no board condition {condition!r}: ok, silent, garble")
        self.boards[address].condition = condition
        return self.shows(address)

    def shows(self, address: int) -> str:
        b = self.boards[address]
        opened = ",".join(map(str, sorted(b.open))) or "none"
        stuck = f"; stuck {','.join(map(str, sorted(b.stuck)))}" if b.stuck else ""
        return f"board {address} ({b.condition}): open {opened}{stuck}"


class HostedLockBoards:
    """The simulator host's face of a lock board line: ``hallctl sim door locker-1 7 close``
    and ``hallctl sim board locker-1 silent``. A family's sim module builds it with its
    protocol and its codec's Board."""

    def __init__(self, line, protocol: BoardFrames, make_board) -> None:
        boards = [SimBoard(d.address, d.config.locks, make_board(d)) for d in line.devices]
        self.sim = LockBoardsSim(boards, protocol, line.baud, line.fmt)

    async def start(self) -> dict:
        await self.sim.start()
        return {"path": self.sim.path}

    async def close(self) -> None:
        self.sim.close()

    def shows(self, device) -> str:
        return self.sim.shows(device.address)

    async def act(self, action: str, device, args) -> dict:
        if action == "door":
            try:
                lock = int(args["lock"])
            except ValueError:
                raise ValueError(f"lock {args['lock']!r} is not a number") from None
            text = self.sim.door(device.address, lock, args["action"])
        else:
            text = self.sim.condition(device.address, args.get("condition") or "ok")
        await asyncio.sleep(0)
        return {"ok": True, "text": f"{device.id}: {text}"}


DOOR_ACTIONS = "close, force, stick, free, fill, empty"
