"""Which ticket a window calls next.

Per service there are two lanes: priority (appointments and priority classes)
and normal, each in ``queue_key`` order (the take time, unless requeued). When
both lanes wait, a priority ticket goes first, then up to ``priority_ratio``
normal tickets before the next priority one, so neither side starves. Tickets
transferred to this very window come before all others. Across the window's
services: the longest-waiting head, or the first service in the window's list.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class Head:
    id: int
    service: str
    lane: int
    queue_key: float


def _head(conn: sqlite3.Connection, day: str, service: str, priority: bool) -> Head | None:
    row = conn.execute(
        "SELECT id, service, lane, queue_key FROM tickets WHERE day = ? AND state = 'waiting'"
        f" AND service = ? AND lane {'<' if priority else '='} 2 AND target_window IS NULL"
        " ORDER BY queue_key, id LIMIT 1", (day, service)).fetchone()
    return Head(*row) if row else None


def service_head(conn, day: str, service: str, since_priority: int, ratio: int) -> Head | None:
    """The ticket this service offers now, by the lane rule above."""
    prio, normal = _head(conn, day, service, True), _head(conn, day, service, False)
    if prio and normal:
        return prio if since_priority >= ratio else normal
    return prio or normal


def pick_next(conn, day: str, window: int, services: list[str], call_order: str,
              counters: dict[str, int], ratios: dict[str, int]) -> Head | None:
    row = conn.execute(
        "SELECT id, service, lane, queue_key FROM tickets WHERE day = ? AND state = 'waiting'"
        " AND target_window = ? ORDER BY queue_key, id LIMIT 1", (day, window)).fetchone()
    if row:
        return Head(*row)
    heads = [h for s in services
             if (h := service_head(conn, day, s, counters.get(s, ratios[s]), ratios[s]))]
    if not heads:
        return None
    if call_order == "service_order":
        return heads[0]
    return min(heads, key=lambda h: (h.queue_key, h.id))


def requeue_key(conn, day: str, service: str, lane: int, places_back: int, now: float) -> float:
    """A queue_key that puts a ticket ``places_back`` places behind the head of its lane."""
    same_lane = "lane < 2" if lane < 2 else "lane = 2"
    keys = [r[0] for r in conn.execute(
        f"SELECT queue_key FROM tickets WHERE day = ? AND state = 'waiting' AND service = ?"
        f" AND {same_lane} AND target_window IS NULL ORDER BY queue_key, id LIMIT ?",
        (day, service, places_back + 1))]
    if places_back == 0:
        return keys[0] - 1e-3 if keys else now
    if len(keys) <= places_back:  # fewer wait than that: to the end of the line
        return max(keys[-1] + 1e-3, now) if keys else now
    return (keys[places_back - 1] + keys[places_back]) / 2
