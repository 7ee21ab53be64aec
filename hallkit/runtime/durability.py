"""Durable before answered, without the event loop waiting on the disk.

A batch of commands commits with synchronous=NORMAL (SQLite writes the WAL but does
not sync it) and hands its replies to ``WalSync.after_commit``: they go out once a
sync of the WAL that began after that commit has returned. On a slow disk (a hall's
eMMC or SD card) the sync runs in a worker thread (the GIL is released while the disk
works), so meanwhile the loop takes in, checks and runs the next batch; one sync
covers every batch committed before it began. That is SQLite's own FULL durability (a
commit is the WAL frames; FULL syncs exactly them), only paid once per disk round
instead of once per batch. On a quick disk the loop syncs itself: a thread hand-over
would cost more than the overlap saves.

Checkpoints sync the WAL and the database file; a hall's eMMC makes that three slow
syncs, so they run in their own thread on their own connection (``Checkpointer``)
rather than inside a commit (only the WAL header's sync at the next commit stays).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from hallkit.runtime.log_budget import LogBudget

log = logging.getLogger(__name__)

SLOW_DISK_S = 0.001  # syncs slower than this run in the worker thread, quicker ones inline
CHECKPOINT_EVERY_S = 1.0  # while commits come in: a short WAL keeps reads and restarts quick

Then = Callable[[BaseException | None], None]


class WalSync:
    """Syncs a store's WAL and runs what waited on it, in commit order: in a worker thread
    while the disk is slow (a hall's eMMC: the loop works on meanwhile), in the loop's
    own thread while it is quick (a thread hand-over would cost more than it saves)."""

    def __init__(self, db_path: Path, name: str) -> None:
        self.wal = Path(f"{db_path}-wal")
        self._pool = ThreadPoolExecutor(1, thread_name_prefix=f"{name}-wal-sync")
        self._fd: int | None = None
        self._inode: int | None = None
        self._committed = 0  # commits handed in so far
        self._durable = 0  # of those, known to be on disk
        self._waiting: deque[tuple[int, Then, float]] = deque()
        self._running = False
        self._disk_s = SLOW_DISK_S  # how long a sync takes lately; slow until seen otherwise
        self._closed = False
        self.failed: BaseException | None = None  # a sync failed: nothing is durable any more

    def after_commit(self, then: Then, wrote: bool = True) -> None:
        """Call ``then(None)`` once everything committed so far is on disk, or ``then(exc)``
        if the disk failed. ``wrote=False``: this batch changed nothing, so it waits only
        for earlier commits (answers must not show what could still be lost)."""
        if wrote:
            self._committed += 1
        if self.failed is None and self._committed > self._durable and not self._running \
                and (self._disk_s < SLOW_DISK_S or self._closed):
            try:
                self.sync_now()
            except OSError as exc:
                self._fail(exc)
        if self.failed is not None:
            then(self.failed)
        elif self._committed <= self._durable:
            then(None)
        else:
            self._waiting.append((self._committed, then, time.monotonic()))
            if not self._running:
                self._start()

    @property
    def idle(self) -> bool:
        return not self._waiting

    def stalled(self, limit: float) -> bool:
        """True when an answer has waited on the disk longer than ``limit`` seconds."""
        return bool(self._waiting) and time.monotonic() - self._waiting[0][2] > limit

    def sync_now(self) -> None:
        """Sync in this thread (for callers outside the loop, and for a quick disk)."""
        covers = self._committed
        self._sync()
        self._durable = max(self._durable, covers)

    def finish(self) -> None:
        """At a stop: sync what is committed in this thread and answer everything waiting, while
        the bus is still up; later commits (none are expected) are synced inline."""
        self._closed = True
        if not self._waiting:
            return
        try:
            self.sync_now()
        except OSError as exc:
            self._fail(exc)
        self._run_waiting()

    def close(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=True)
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    # -- the worker ----------------------------------------------------------------
    def _start(self) -> None:
        if self._closed:
            return  # finish() answered what waited; a sync still returning changes nothing
        self._running = True
        covers = self._committed  # what is in the WAL now, the sync's own start being later
        done = asyncio.get_running_loop().run_in_executor(self._pool, self._sync)
        done.add_done_callback(lambda fut: self._synced(fut, covers))

    def _synced(self, fut: asyncio.Future, covers: int) -> None:
        self._running = False
        if fut.cancelled():
            self._fail(RuntimeError("the WAL sync was cancelled"))
        elif fut.exception() is not None:
            self._fail(fut.exception())
        else:
            self._durable = max(self._durable, covers)
        self._run_waiting()
        if self._waiting:
            self._start()

    def _run_waiting(self) -> None:
        """Answer, in commit order, everything the syncs so far have made durable."""
        while self._waiting and (self.failed is not None or self._waiting[0][0] <= self._durable):
            _, then, _ = self._waiting.popleft()
            try:
                then(self.failed)
            except Exception:  # one batch's answers failing must not strand the rest
                log.exception("answering a batch after its sync failed")

    def _fail(self, exc: BaseException) -> None:
        # After a failed fsync Linux may drop the dirty pages and report the next sync
        # clean (PostgreSQL's "fsyncgate"): nothing written since can be trusted.
        if self.failed is None:
            self.failed = exc
            log.error("syncing %s failed: %s; what waited on it is answered unavailable, and "
                      "the daemon stops to reopen its store from what is on disk", self.wal, exc)

    def _sync(self) -> None:
        t0 = time.perf_counter()
        st = os.stat(self.wal)
        if self._fd is None or st.st_ino != self._inode:  # first sync, or SQLite made a new WAL
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
            self._fd = os.open(self.wal, os.O_RDONLY | os.O_CLOEXEC)
            self._inode = os.fstat(self._fd).st_ino
            _sync_dir(self.wal.parent)  # a new file's name must survive a power cut too
        os.fdatasync(self._fd)
        self._disk_s += (time.perf_counter() - t0 - self._disk_s) / 8  # follows the disk's pace


def _sync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Checkpointer:
    """Copies the WAL into the database file about once a second while commits come in,
    from a worker thread with its own connection (PASSIVE: never blocks the writer)."""

    def __init__(self, db_path: Path, name: str) -> None:
        self.path = db_path
        self._pool = ThreadPoolExecutor(1, thread_name_prefix=f"{name}-checkpoint")
        self._conn: sqlite3.Connection | None = None
        self.warn = LogBudget(log, per_minute=2)

    async def run(self, changes: Callable[[], int]) -> None:
        """Checkpoint whenever ``changes()`` (rows written so far) moved since the last."""
        loop = asyncio.get_running_loop()
        seen = changes()
        while True:
            await asyncio.sleep(CHECKPOINT_EVERY_S)
            now = changes()
            if now != seen:
                seen = now
                await loop.run_in_executor(self._pool, self.checkpoint)

    def checkpoint(self) -> None:
        try:
            if self._conn is None:
                self._conn = sqlite3.connect(self.path, timeout=5.0, check_same_thread=False)
                self._conn.execute("PRAGMA synchronous=FULL")
            self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error as exc:  # the commits' own syncs report a failing disk
            self.warn.warning("checkpoint of %s failed: %s", self.path.name, exc)

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        if self._conn is not None:
            self._conn.close()
            self._conn = None
