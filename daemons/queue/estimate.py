"""Estimated wait for a ticket.

T is the service's recent service time: the trimmed mean of its last 20
called→done durations (the config's default until there are 3). c is the
service's open capacity: each open window (clerk logged in, not paused) that
serves it counts 1/n when it serves n services. With k people ahead, the wait
is k·T/c, plus T/(c+1) for the first window to come free when none is idle now
(residual service times spread evenly). No open window: unknown (null).
"""

from __future__ import annotations

import sqlite3

HISTORY = 20
MIN_HISTORY = 3
LOOKBACK_S = 7 * 86400


def service_time(conn: sqlite3.Connection, service: str, default_s: float, now: float) -> float:
    rows = [r[0] for r in conn.execute(
        "SELECT ended_at - called_at FROM tickets WHERE state = 'done' AND service = ?"
        " AND ended_at > ? AND called_at IS NOT NULL ORDER BY ended_at DESC LIMIT ?",
        (service, now - LOOKBACK_S, HISTORY))]
    if len(rows) < MIN_HISTORY:
        return default_s
    rows.sort()
    trim = len(rows) // 10
    kept = rows[trim:len(rows) - trim] if trim else rows
    return sum(kept) / len(kept)


def wait_s(ahead: int, service_s: float, capacity: float, idle_window: bool) -> float | None:
    if capacity <= 0:
        return None
    first_free = 0.0 if idle_window else service_s / (capacity + 1)
    if idle_window and ahead == 0:
        return 0.0
    return round(ahead * service_s / capacity + first_free, 1)
