"""One SQLite file per daemon: WAL, synchronous=FULL, numbered migrations.

Command batches commit unsynced and are made durable before they are answered
(``unsynced_transaction`` and hallkit.runtime.durability); every other write is
synced at its commit.

Migrations are numbered per scope (the runtime has its own, each daemon its
own). Before any pending migration runs on an existing file, a consistent copy
is taken beside it, so a bad upgrade never costs a hall its tickets.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from hallkit.clock import Clock

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: str | Callable[[Database], None]  # SQL script, or a function given the database


class StorageError(Exception):
    """The store cannot be opened or written: the one line to tell the technician."""


STORAGE_FAILURES = ("disk is full", "disk I/O error", "unable to open", "readonly database",
                    "not a database", "malformed")


def is_storage_failure(exc: BaseException) -> bool:
    """The disk or the file failed (not the SQL): what a technician must fix, not a bug."""
    return isinstance(exc, OSError) or any(s in str(exc) for s in STORAGE_FAILURES)


def storage_problem(path: Path, exc: BaseException) -> str:
    """``exc`` as a sentence: which file, and for a full disk how much space there is."""
    full = (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or "disk is full" in str(exc)
    if full:
        folder = path.parent if path.parent.exists() else Path("/")
        free = shutil.disk_usage(folder).free
        return (f"no space left on the disk of {path} ({free // 1024} KiB free): free some space, "
                "then start again")
    return f"cannot use {path}: {exc}"


class Store:
    def __init__(self, path: Path, clock: Clock) -> None:
        self.path = Path(path)
        self.clock = clock
        try:
            self._open()
        except (OSError, sqlite3.Error) as exc:
            raise StorageError(storage_problem(self.path, exc)) from exc

    def _open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._existed = self.path.exists() and self.path.stat().st_size > 0
        conn = sqlite3.connect(self.path, timeout=5.0)
        self.db = Database(conn, execute_plugins=False)
        with self.db.ensure_autocommit_on():
            conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA busy_timeout=5000")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS _migrations (scope TEXT NOT NULL, version INTEGER NOT NULL,"
            " name TEXT NOT NULL, applied_at REAL NOT NULL, PRIMARY KEY (scope, version))"
        )

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    @contextlib.contextmanager
    def unsynced_transaction(self) -> Iterator[None]:
        """A transaction whose commit writes the WAL without syncing it: the caller syncs
        (``WalSync``) before anyone is told of it."""
        if self.conn.in_transaction:  # SQLite ignores the pragma inside one: refuse, loudly
            raise RuntimeError(f"a transaction was left open on {self.path.name}: a hallkit bug")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        try:
            with self.db.atomic():
                yield
        finally:
            self.conn.execute("PRAGMA synchronous=FULL")

    def version(self, scope: str) -> int:
        row = self.conn.execute(
            "SELECT MAX(version) FROM _migrations WHERE scope = ?", (scope,)).fetchone()
        return row[0] or 0

    def migrate(self, scope: str, migrations: Sequence[Migration]) -> list[int]:
        """Apply what is pending, each in its own transaction; returns the versions applied.
        StorageError (one line) when the disk is full or the file unusable."""
        try:
            return self._migrate(scope, migrations)
        except (OSError, sqlite3.Error) as exc:
            if not is_storage_failure(exc):
                raise  # a migration's own error: a bug, with its traceback
            raise StorageError(storage_problem(self.path, exc)) from exc

    def _migrate(self, scope: str, migrations: Sequence[Migration]) -> list[int]:
        numbers = [m.version for m in migrations]
        if numbers != sorted(set(numbers)) or (numbers and numbers[0] < 1):
            raise ValueError(f"{scope}: migration numbers must rise from 1 without repeats: {numbers}")
        current = self.version(scope)
        if current > (numbers[-1] if numbers else 0):
            raise RuntimeError(f"{self.path} is at {scope} schema {current}, newer than this "
                               f"hallkit knows ({numbers[-1] if numbers else 0}); upgrade hallkit")
        pending = [m for m in migrations if m.version > current]
        if pending and self._existed:
            self.backup(f"before-{scope}-{pending[0].version}")
        for m in pending:
            with self.db.atomic():
                if callable(m.apply):
                    m.apply(self.db)
                else:
                    for statement in _statements(m.apply):
                        self.conn.execute(statement)
                self.conn.execute("INSERT INTO _migrations VALUES (?, ?, ?, ?)",
                                  (scope, m.version, m.name, self.clock.time()))
            log.info("%s: applied %s migration %d (%s)", self.path.name, scope, m.version, m.name)
        return [m.version for m in pending]

    def backup(self, label: str) -> Path:
        """A consistent copy beside the file, named by label and time."""
        stamp = self.clock.now().strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.stem}.{label}.{stamp}.bak.sqlite")
        partial = target.with_name(target.name + ".partial")  # never a half backup by its name
        try:
            dest = sqlite3.connect(partial)
            try:
                self.conn.backup(dest)
            finally:
                dest.close()
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        log.info("backed up %s to %s", self.path.name, target.name)
        return target

    def close(self) -> None:
        self.conn.close()


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (executescript would commit mid-way)."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        raise ValueError(f"incomplete SQL statement in migration: {buf.strip()[:60]}")
    return out
