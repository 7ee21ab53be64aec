"""The retained state the queue publishes: per service counts, per window what it shows."""

from __future__ import annotations

from hallkit.contract import queue as q
from hallkit.daemons.queue.base import EngineBase
from hallkit.daemons.queue.windows import mode


class StateViews(EngineBase):
    def queue_state(self, now: float) -> q.QueueState:
        day = self.day(now)
        waiting = {(r[0], r[1]): r[2] for r in self.conn.execute(
            "SELECT service, lane < 2, COUNT(*) FROM tickets WHERE day = ? AND state = 'waiting'"
            " GROUP BY service, lane < 2", (day,))}
        issued = dict(self.conn.execute("SELECT service, last FROM counters WHERE day = ?", (day,)))
        open_windows = set(self.open_windows())
        services = []
        for code, svc in self.services.items():
            normal, prio = waiting.get((code, 0), 0), waiting.get((code, 1), 0)
            count = issued.get(code, 0)
            services.append(q.ServiceQueue(
                code=code, waiting=normal + prio, priority_waiting=prio, issued=count,
                quota_left=max(0, svc.daily_quota - count) if svc.daily_quota else None,
                est_wait_s=self.estimate(code, normal + prio, now),
                windows_open=sum(1 for w in open_windows if code in self.windows[w].services)))
        return q.QueueState(day=day, services=services)

    def window_state(self, number: int, now: float) -> q.WindowState:
        row = self.window_row(number)
        w = self.windows[number]
        day = self.day(now)
        ticket = None
        if row["ticket"] is not None:
            t = self.one("SELECT * FROM tickets WHERE id = ?", (row["ticket"],))
            ticket = q.CurrentTicket(ticket_id=t["ticket_id"], number=t["number"], service=t["service"],
                                     called_at=t["called_at"], recall=t["recalls"])
        held = [r[0] for r in self.conn.execute(
            "SELECT number FROM tickets WHERE day = ? AND state = 'held' AND window = ? ORDER BY id",
            (day, number))]
        marks = ",".join("?" * len(w.services))
        waiting = self.conn.execute(
            f"SELECT COUNT(*) FROM tickets WHERE day = ? AND state = 'waiting' AND ((service IN"
            f" ({marks}) AND target_window IS NULL) OR target_window = ?)",
            (day, *w.services, number)).fetchone()[0]
        clerk = self.clerks.get(row["clerk"]) if row["clerk"] else None
        return q.WindowState(window=number, state=mode(row), clerk=row["clerk"],
                             clerk_name=clerk.name_zh if clerk else None, ticket=ticket, held=held,
                             waiting=waiting)
