"""The retained state the queue publishes: per service counts, per window what it shows.

Built from a few grouped queries per batch (not a query per window), so a hall
with a hundred windows republishes them all in a few milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from hallkit.daemons.queue import contract as q
from hallkit.daemons.queue.base import EngineBase
from hallkit.daemons.queue.windows import mode


@dataclass
class Snapshot:
    waiting: dict[tuple[str, bool], int]   # (service, priority lane) -> untargeted waiting
    targeted: dict[int, int]               # window -> tickets transferred to it
    open_now: dict[int, bool]              # window with a clerk, not paused -> idle
    held: dict[int, list[str]]
    windows: dict[int, dict]               # rows of the windows asked for
    current: dict[int, dict]               # window -> the ticket it serves (of those asked for)

    def __post_init__(self) -> None:
        self.per_service: dict[str, int] = {}
        for (service, _), n in self.waiting.items():
            self.per_service[service] = self.per_service.get(service, 0) + n

    def waiting_for(self, services: list[str], window: int) -> int:
        ps = self.per_service
        return sum(ps.get(s, 0) for s in services) + self.targeted.get(window, 0)


class StateViews(EngineBase):
    def snapshot(self, day: str, windows: set[int] | None = None) -> Snapshot:
        """What state publishing needs, for the given windows (all when None)."""
        counts = self.conn.execute("SELECT service, target_window, priority, n FROM waiting_counts"
                                   " WHERE day = ? AND n > 0", (day,)).fetchall()
        targeted: dict[int, int] = {}
        for _, window, _, n in counts:
            if window:
                targeted[window] = targeted.get(window, 0) + n
        numbers = sorted(self.windows if windows is None else windows)
        marks = ",".join("?" * len(numbers))
        return Snapshot(
            waiting={(service, bool(prio)): n for service, window, prio, n in counts if not window},
            targeted=targeted,
            open_now={n: bool(idle) for n, idle in self.conn.execute(
                "SELECT number, ticket IS NULL FROM windows WHERE clerk IS NOT NULL AND paused = 0")},
            held=_group(self.conn.execute(
                f"SELECT window, number FROM tickets WHERE day = ? AND state = 'held'"
                f" AND window IN ({marks}) ORDER BY id", (day, *numbers))) if numbers else {},
            windows={r["number"]: dict(r) for r in self.all(
                f"SELECT * FROM windows WHERE number IN ({marks})", numbers)} if numbers else {},
            current={r["number"]: dict(r) for r in self.all(
                "SELECT w.number, t.ticket_id, t.number AS ticket_number, t.service, t.called_at,"
                f" t.recalls FROM windows w JOIN tickets t ON t.id = w.ticket"
                f" WHERE w.number IN ({marks})", numbers)} if numbers else {},
        )

    def queue_state(self, now: float, snap: Snapshot | None = None) -> q.QueueState:
        day = self.day(now)
        snap = snap or self.snapshot(day, set())
        issued = dict(self.conn.execute("SELECT service, last FROM counters WHERE day = ?", (day,)))
        caps = self.capacities(open_now=snap.open_now)
        services = []
        for code, svc in self.services.items():
            prio, normal = snap.waiting.get((code, True), 0), snap.waiting.get((code, False), 0)
            count = issued.get(code, 0)
            services.append(q.ServiceQueue(
                code=code, waiting=normal + prio, priority_waiting=prio, issued=count,
                quota_left=max(0, svc.daily_quota - count) if svc.daily_quota else None,
                est_wait_s=self.estimate(code, normal + prio, now, caps),
                windows_open=sum(1 for w in self.windows_of[code] if w in snap.open_now)))
        return q.QueueState(day=day, services=services, waiting_by_window={
            str(n): snap.waiting_for(w.services, n) for n, w in self.windows.items()})

    def window_state(self, number: int, now: float, snap: Snapshot | None = None) -> q.WindowState:
        self.window_cfg(number)
        snap = snap or self.snapshot(self.day(now), {number})
        row = snap.windows[number]
        cur = snap.current.get(number)
        ticket = cur and q.CurrentTicket(ticket_id=cur["ticket_id"], number=cur["ticket_number"],
                                         service=cur["service"], called_at=cur["called_at"],
                                         recall=cur["recalls"])
        clerk = self.clerks.get(row["clerk"]) if row["clerk"] else None
        return q.WindowState(window=number, state=mode(row), clerk=row["clerk"],
                             clerk_name=clerk.name_zh if clerk else None, ticket=ticket,
                             held=snap.held.get(number, []))


def _group(pairs) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out
