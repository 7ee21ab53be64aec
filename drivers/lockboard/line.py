"""Lock boards sharing one RS-485 line: polled in turn, one request outstanding, opens
confirmed by polling, doors watched (lockboard-8a80.md, "timing" and "what the driver
must do"; the Kerong boards follow the same rules).

Bytes from the line come in through ``feed`` (the serial transport calls it); requests go
out through ``write``. A board that misses 3 polls in a row is offline until it answers
again. Its first answer gives every door as it stands (``on_snapshot``, for the locker
daemon to reconcile with its records); after that each change is told (``on_door``),
marked as ours when the door opened soon after an open command from here: one that
opens without is forced.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from hallkit.drivers.lockboard.frames import BoardState, Expect, LockState, Report

log = logging.getLogger(__name__)

REPLY_S = 0.1     # a board answers within this, or not at all
GAP_S = 0.05      # after a reply (or the wait for one) before the next request
MISSES = 3        # polls unanswered in a row: the board is offline
CONFIRM_S = 2.0   # an opened door reads open within this, or it did not spring open
COMMANDED_S = 5.0  # a door seen opening this soon after its open command was ours


@dataclass
class BoardWatch:
    device: str
    board: object  # the family codec's Board
    online: bool | None = None
    misses: int = 0
    open: frozenset[int] | None = None  # None: not yet read
    occupied: frozenset[int] | None = None
    commanded: dict[int, float] = field(default_factory=dict)  # lock → when we opened it


@dataclass
class OpenRequest:
    device: str
    lock: int
    done: asyncio.Future


class BoardLine:
    def __init__(self, write: Callable[[bytes], bool], framer, boards: dict[str, object], *,
                 on_board: Callable[[str, bool, str | None], None],
                 on_door: Callable[[str, int, bool, bool], None],
                 on_snapshot: Callable[[str, frozenset[int], frozenset[int] | None], None],
                 now: Callable[[], float] = time.monotonic) -> None:
        self.write, self.framer, self.now = write, framer, now
        self.watch = {dev: BoardWatch(dev, board) for dev, board in boards.items()}
        self.on_board, self.on_door, self.on_snapshot = on_board, on_door, on_snapshot
        self.expect: Expect | None = None
        self.answer: asyncio.Future | None = None
        self.opens: list[OpenRequest] = []
        self.round_s: float | None = None  # the last full poll of every board, with no open in it
        self.rounds = 0

    # -- what comes in -----------------------------------------------------------------------
    def feed(self, data: bytes) -> None:
        for message in self.framer.feed(data, self.expect):
            if isinstance(message, Report):
                self._door(self._by_address(message.board), message.lock, message.open)
            elif self.answer is not None and not self.answer.done():
                self.answer.set_result(message)

    def _by_address(self, address: int) -> BoardWatch | None:
        return next((w for w in self.watch.values() if w.board.address == address), None)

    # -- what goes out -------------------------------------------------------------------------
    async def open(self, device: str, lock: int) -> str:
        """Open ``lock`` and wait for the door: 'opened', 'not_opened' (the latch released
        but the door read shut for 2 s: stuck, or it did not spring open) or 'offline'."""
        done = asyncio.get_running_loop().create_future()
        self.opens.append(OpenRequest(device, lock, done))
        return await done

    async def run(self) -> None:
        for watch in self.watch.values():  # e.g. a Kerong board's unlock pulse
            for data, expect in watch.board.setup():
                if await self._ask(data, expect) is None:
                    log.warning("%s: did not confirm its setup; polling it anyway", watch.device)
        while True:
            started, opened = self.now(), False
            for watch in list(self.watch.values()):
                while self.opens:
                    opened = True
                    await self._open(self.opens.pop(0))
                await self._poll(watch)
            if not opened:
                self.round_s, self.rounds = self.now() - started, self.rounds + 1

    async def _ask(self, data: bytes, expect: Expect):
        """One request and its reply (None: none in time); then the line's gap."""
        self.expect = expect
        self.answer = asyncio.get_running_loop().create_future()
        try:
            if not self.write(data):
                return None
            try:
                return await asyncio.wait_for(self.answer, REPLY_S)
            except TimeoutError:
                return None
        finally:
            self.expect, self.answer = None, None
            await asyncio.sleep(GAP_S)

    async def _poll(self, watch: BoardWatch) -> None:
        data, expect = watch.board.query_all()
        reply = await self._ask(data, expect)
        if not isinstance(reply, BoardState):
            watch.misses += 1
            if watch.misses >= MISSES and watch.online is not False:
                watch.online = False
                self.on_board(watch.device, False, f"no reply to {MISSES} polls")
            return
        watch.misses = 0
        if watch.online is not True:
            watch.online = True
            self.on_board(watch.device, True, None)
        watch.occupied = reply.occupied
        if watch.open is None:  # the first read: every door as it stands
            watch.open = reply.open
            self.on_snapshot(watch.device, reply.open, reply.occupied)
            return
        for lock in sorted(reply.open ^ watch.open):
            self._door(watch, lock, lock in reply.open)

    def _door(self, watch: BoardWatch | None, lock: int, is_open: bool) -> None:
        """A door changed: ``ours`` when it opened soon after an open command from here."""
        if watch is None or watch.open is None or (lock in watch.open) == is_open:
            return
        watch.open = watch.open | {lock} if is_open else watch.open - {lock}
        when = watch.commanded.pop(lock, None) if is_open else None
        self.on_door(watch.device, lock, is_open, when is not None and self.now() - when < COMMANDED_S)

    async def _open(self, request: OpenRequest) -> None:
        watch = self.watch[request.device]
        if watch.online is False:
            request.done.set_result("offline")
            return
        data, expect = watch.board.open(request.lock)
        watch.commanded[request.lock] = self.now()
        reply = await self._ask(data, expect)
        deadline = self.now() + CONFIRM_S
        opened = isinstance(reply, LockState) and reply.open
        while not opened and self.now() < deadline:  # the reply is the state right after the pulse
            query, expect = watch.board.query(request.lock)
            state = await self._ask(query, expect)
            opened = isinstance(state, LockState) and state.open
        if opened:
            self._door(watch, request.lock, True)
        else:
            watch.commanded.pop(request.lock, None)
        outcome = "opened" if opened else ("not_opened" if reply is not None else "offline")
        if not request.done.done():
            request.done.set_result(outcome)
