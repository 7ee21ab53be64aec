"""Print jobs in SQLite: stored before they are sent, marked printed only after the
printer took them, expired rather than printed late."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from hallkit.store import Migration, Store

MIGRATIONS = (
    Migration(1, "print jobs", """
        CREATE TABLE jobs (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,            -- ticket:<ticket id> or test:<client>:<request id>
            printer TEXT NOT NULL,
            kiosk TEXT,
            ticket_id TEXT,
            number TEXT,
            body TEXT NOT NULL,                  -- what to print (masked personal data only)
            state TEXT NOT NULL CHECK (state IN ('waiting', 'sending', 'printed', 'expired')),
            created_at REAL NOT NULL,
            expires_at REAL NOT NULL,
            done_at REAL,
            attempts INTEGER NOT NULL DEFAULT 0,
            told_failed INTEGER NOT NULL DEFAULT 0  -- unused since failed jobs end at once
        );
        CREATE INDEX jobs_open ON jobs (printer, id) WHERE state IN ('waiting', 'sending');
    """),
)


@dataclass(frozen=True)
class Job:
    id: int
    key: str
    printer: str
    kiosk: str | None
    ticket_id: str | None
    number: str | None
    body: dict
    state: str
    created_at: float
    expires_at: float
    attempts: int

    @property
    def is_test(self) -> bool:
        return self.key.startswith("test:")

    @property
    def is_receipt(self) -> bool:
        """A locker drop-off's receipt (``number`` is the receipt number)."""
        return self.key.startswith("receipt:")


def _job(row: sqlite3.Row) -> Job:
    d = dict(row)
    d["body"] = json.loads(d["body"])
    d.pop("told_failed")
    d.pop("done_at")
    return Job(**d)


class Jobs:
    def __init__(self, store: Store) -> None:
        self.conn = store.conn
        self.db = store.db

    def add(self, key: str, printer: str, kiosk: str | None, body: dict, now: float,
            expires_at: float, ticket_id: str | None = None, number: str | None = None) -> tuple[Job, bool]:
        """Store a job (the caller's transaction, or one of its own); (job, new). A key seen
        before — an event redelivered after a reconnect — returns the stored job."""
        with self.db.atomic():
            cur = self.conn.execute(
                "INSERT OR IGNORE INTO jobs (key, printer, kiosk, ticket_id, number, body, state,"
                " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, 'waiting', ?, ?)",
                (key, printer, kiosk, ticket_id, number, json.dumps(body, ensure_ascii=False), now,
                 expires_at))
        return self.by_key(key), cur.rowcount == 1

    def by_key(self, key: str) -> Job:
        return _job(self._row("SELECT * FROM jobs WHERE key = ?", (key,)))

    def open_jobs(self, printer: str) -> list[Job]:
        return [_job(r) for r in self._rows(
            "SELECT * FROM jobs WHERE printer = ? AND state IN ('waiting', 'sending') ORDER BY id",
            (printer,))]

    def waiting_count(self, printer: str) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM jobs WHERE printer = ? AND state IN "
                                 "('waiting', 'sending')", (printer,)).fetchone()[0]

    def set_state(self, job_id: int, state: str, now: float, *, attempt: bool = False) -> None:
        with self.db.atomic():
            self.conn.execute(
                "UPDATE jobs SET state = ?, done_at = CASE WHEN ? IN ('printed', 'expired') THEN ?"
                " END, attempts = attempts + ? WHERE id = ?",
                (state, state, now, 1 if attempt else 0, job_id))

    def purge(self, before: float) -> int:
        with self.db.atomic():
            return self.conn.execute("DELETE FROM jobs WHERE state IN ('printed', 'expired') AND"
                                     " done_at < ?", (before,)).rowcount

    def _row(self, sql: str, args: tuple) -> sqlite3.Row:
        cur = self.conn.execute(sql, args)
        cur.row_factory = sqlite3.Row
        return cur.fetchone()

    def _rows(self, sql: str, args: tuple) -> list[sqlite3.Row]:
        cur = self.conn.execute(sql, args)
        cur.row_factory = sqlite3.Row
        return cur.fetchall()
