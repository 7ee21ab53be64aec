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
from collections import deque
from dataclasses import dataclass

from hallkit.daemons.queue.lanes import NORMAL_LANE_SQL, PRIORITY_LANES_SQL, is_priority


@dataclass(frozen=True)
class Head:
    id: int
    service: str
    lane: int
    queue_key: float


def _head(conn: sqlite3.Connection, day: str, service: str, priority: bool) -> Head | None:
    row = conn.execute(
        "SELECT id, service, lane, queue_key FROM tickets WHERE day = ? AND state = 'waiting'"
        f" AND service = ? AND {PRIORITY_LANES_SQL if priority else NORMAL_LANE_SQL}"
        " AND target_window IS NULL"
        " ORDER BY queue_key, id LIMIT 1", (day, service)).fetchone()
    return Head(*row) if row else None


def lane_pick(prio: Head | None, normal: Head | None, since_priority: int, ratio: int) -> Head | None:
    """The lane rule above: which of a service's two lane heads goes next."""
    if prio and normal:
        return prio if since_priority >= ratio else normal
    return prio or normal


def since_priority_after(head: Head, since_priority: int) -> int:
    """A service's count of normal tickets called since its last priority one, after ``head``."""
    return 0 if is_priority(head.lane) else since_priority + 1


def _choose(heads: list[Head], call_order: str) -> Head:
    """Across the window's services (heads in the window's service order)."""
    return heads[0] if call_order == "service_order" else min(heads, key=_place)


def _place(h: Head) -> tuple[float, int]:
    return h.queue_key, h.id


def service_head(conn, day: str, service: str, since_priority: int, ratio: int) -> Head | None:
    """The ticket this service offers now."""
    return lane_pick(_head(conn, day, service, True), _head(conn, day, service, False),
                     since_priority, ratio)


def pick_next(conn, day: str, window: int, services: list[str], call_order: str,
              counters: dict[str, int], ratios: dict[str, int]) -> Head | None:
    row = conn.execute(
        "SELECT id, service, lane, queue_key FROM tickets WHERE day = ? AND state = 'waiting'"
        " AND target_window = ? ORDER BY queue_key, id LIMIT 1", (day, window)).fetchone()
    if row:
        return Head(*row)
    heads = [h for s in services
             if (h := service_head(conn, day, s, counters.get(s, ratios[s]), ratios[s]))]
    return _choose(heads, call_order) if heads else None


def upcoming(targeted: list[Head], untargeted: list[Head], services: list[str], call_order: str,
             counters: dict[str, int], ratios: dict[str, int], limit: int) -> list[Head]:
    """The order in which successive call-next presses would take these waiting tickets
    (``targeted``: transferred to this window), if nothing else changed: pick_next's
    rules played out in memory, for the clerk's list of who comes next."""
    since = {s: counters.get(s, ratios[s]) for s in services}
    order = sorted(targeted, key=_place)[:limit]
    for head in order:  # they count for their service's lane rule too
        if head.service in since:
            since[head.service] = since_priority_after(head, since[head.service])
    lanes = {(s, prio): deque(sorted((h for h in untargeted
                                      if h.service == s and is_priority(h.lane) == prio), key=_place))
             for s in services for prio in (True, False)}
    while len(order) < limit:
        heads = [h for s in services if (h := lane_pick(
            lanes[s, True][0] if lanes[s, True] else None,
            lanes[s, False][0] if lanes[s, False] else None, since[s], ratios[s]))]
        if not heads:
            break
        head = _choose(heads, call_order)
        lanes[head.service, is_priority(head.lane)].popleft()
        since[head.service] = since_priority_after(head, since[head.service])
        order.append(head)
    return order


def requeue_key(conn, day: str, service: str, lane: int, places_back: int, now: float) -> float:
    """A queue_key that puts a ticket ``places_back`` places behind the head of its lane."""
    same_lane = PRIORITY_LANES_SQL if is_priority(lane) else NORMAL_LANE_SQL
    keys = [r[0] for r in conn.execute(
        f"SELECT queue_key FROM tickets WHERE day = ? AND state = 'waiting' AND service = ?"
        f" AND {same_lane} AND target_window IS NULL ORDER BY queue_key, id LIMIT ?",
        (day, service, places_back + 1))]
    if places_back == 0:
        return keys[0] - 1e-3 if keys else now
    if len(keys) <= places_back:  # fewer wait than that: to the end of the line
        return max(keys[-1] + 1e-3, now) if keys else now
    return (keys[places_back - 1] + keys[places_back]) / 2
