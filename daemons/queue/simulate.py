"""A simulated day through the real queue engine: waits, and how good the estimates were.

Citizens arrive during the opening hours of a chosen day (Poisson, busier in the
morning), pick a service in proportion to its daily quota, 10 % with a priority
class; every window is staffed and calls the next ticket whenever it is free;
service times are log-normal around each service's ``default_service_min``.
Each ticket's estimated wait at issue is compared with the wait it really had.
"""

from __future__ import annotations

import heapq
import random
import statistics
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from hallkit.clock import ManualClock
from hallkit.config.model import HallConfig
from hallkit.daemons.queue import contract as q
from hallkit.daemons.queue.engine import Effects, QueueEngine
from hallkit.daemons.queue.schema import MIGRATIONS
from hallkit.idnumbers import check_digit
from hallkit.runtime.commands import CommandError
from hallkit.store import Store

DEFAULT_HOURS = ((8, 30, 12, 0), (13, 30, 17, 30))


@dataclass
class ServiceFigures:
    code: str
    tickets: int
    mean_wait_min: float
    max_wait_min: float
    mean_abs_error_min: float


@dataclass
class DayReport:
    tickets: int
    estimated: int  # tickets that got an estimate (a window was open for them)
    mean_wait_min: float
    mean_abs_error_min: float
    median_abs_error_min: float
    p90_abs_error_min: float
    within_5_min: float  # share of estimates within ±5 min of the real wait
    services: list[ServiceFigures]

    def text(self) -> str:
        lines = [f"simulated day: {self.tickets} tickets, mean wait {self.mean_wait_min:.1f} min",
                 f"estimate error: mean {self.mean_abs_error_min:.1f} min, median "
                 f"{self.median_abs_error_min:.1f}, p90 {self.p90_abs_error_min:.1f}; "
                 f"{self.within_5_min:.0%} within ±5 min; mean error / mean wait "
                 f"{self.mean_abs_error_min / max(self.mean_wait_min, 1e-9):.0%}",
                 f"{'SERVICE':<8}{'TICKETS':>8}{'MEAN WAIT':>11}{'MAX WAIT':>10}{'EST. ERR':>10}"]
        lines += [f"{s.code:<8}{s.tickets:>8}{s.mean_wait_min:>10.1f}m{s.max_wait_min:>9.1f}m"
                  f"{s.mean_abs_error_min:>9.1f}m" for s in self.services]
        return "\n".join(lines)


def simulate_day(cfg: HallConfig, tickets: int = 800, seed: int = 1, day: date = date(2026, 11, 23),
                 hours=DEFAULT_HOURS, workdir: Path | None = None) -> DayReport:
    rng = random.Random(seed)
    tz = cfg.hall.timezone
    open_ranges = [(datetime(day.year, day.month, day.day, a, b), datetime(day.year, day.month,
                    day.day, c, d)) for a, b, c, d in hours]
    clock = ManualClock(open_ranges[0][0], tz)
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        store = Store(Path(tmp) / "sim.sqlite", clock)
        store.migrate("queue", MIGRATIONS)
        store.conn.execute("PRAGMA synchronous=OFF")  # a throwaway file: durability is not the point
        engine = QueueEngine(_with_hours(cfg, day, open_ranges), store.conn, clock, b"simulation")
        fx = Effects()
        engine.rollover(clock.time(), fx)
        for w in cfg.windows:
            engine.login(w.number, f"S{w.number}", None, clock.time(), fx)
        estimates = _run(engine, cfg, clock, rng, tickets, open_ranges)
        rows = store.conn.execute("SELECT ticket_id, service, called_at - taken_at FROM tickets"
                                  " WHERE called_at IS NOT NULL").fetchall()
        store.close()
    return _report(rows, estimates)


def _with_hours(cfg: HallConfig, day: date, open_ranges) -> HallConfig:
    """The hall open on the simulated day exactly in the simulated ranges, any clerk allowed."""
    weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[day.weekday()]
    hours = cfg.hall.opening_hours.model_copy(
        update={weekday: [(a.time(), b.time()) for a, b in open_ranges]})
    hall = cfg.hall.model_copy(update={"opening_hours": hours, "demo": True})
    return cfg.model_copy(update={"hall": hall, "clerks": []})


def _arrivals(rng, tickets, open_ranges, tz) -> list[float]:
    """Arrival times: twice as dense in the morning range as in the afternoon one."""
    zone = ZoneInfo(tz)
    spans = [(a.replace(tzinfo=zone).timestamp(), b.replace(tzinfo=zone).timestamp())
             for a, b in open_ranges]
    weights = [2.0 if i == 0 else 1.0 for i in range(len(spans))]
    out = []
    for _ in range(tickets):
        start, end = rng.choices(spans, weights=weights)[0]
        out.append(rng.uniform(start, end))
    return sorted(out)


def _run(engine, cfg, clock, rng, tickets, open_ranges) -> dict[str, float]:
    services = [s for s in cfg.services if any(s.code in w.services for w in cfg.windows)]
    weights = [s.daily_quota or 50 for s in services]
    events: list[tuple[float, int, str, int | None]] = []
    seq = 0
    for t in _arrivals(rng, tickets, open_ranges, cfg.hall.timezone):
        seq += 1
        events.append((t, seq, "arrive", None))
    heapq.heapify(events)
    idle = {w.number for w in cfg.windows}
    estimates: dict[str, float] = {}
    fx = Effects()

    def dispatch(now: float) -> None:
        nonlocal seq
        for w in sorted(idle):
            try:
                called = engine.call_next(w, now, fx)
            except CommandError:
                continue
            idle.discard(w)
            mean = engine.services[called.service].rules.default_service_min * 60
            duration = rng.lognormvariate(0, 0.5) * mean / 1.133  # E[lognormal(0, .5)] = 1.133
            seq += 1
            heapq.heappush(events, (now + duration, seq, "free", w))

    while events:
        t, _, kind, window = heapq.heappop(events)
        clock.advance(max(0.0, t - clock.time()))
        now = clock.time()
        if kind == "arrive":
            svc = rng.choices(services, weights=weights)[0]
            prio = "elderly" if rng.random() < 0.1 and "elderly" in svc.priority_classes else None
            citizen = None
            if svc.ask_id == "required":  # citizens bring their ID cards
                first17 = f"{rng.randrange(10**16, 10**17)}"
                citizen = first17 + check_digit(first17)
            try:
                issued = engine.issue(q.Issue(service=svc.code, priority_class=prio,
                                              id_number=citizen), now, fx)
            except CommandError:
                continue  # sold out: the citizen goes home
            if issued.est_wait_s is not None:
                estimates[issued.ticket_id] = issued.est_wait_s
        else:
            engine.end(window, now, fx)
            idle.add(window)
        dispatch(now)
    return estimates


def _report(rows, estimates) -> DayReport:
    errors, by_service = [], {}
    for ticket_id, service, wait in rows:
        by_service.setdefault(service, []).append((wait, estimates.get(ticket_id)))
        if ticket_id in estimates:
            errors.append(abs(estimates[ticket_id] - wait))
    waits = [r[2] for r in rows]
    errors.sort()
    figures = []
    for code, pairs in sorted(by_service.items()):
        errs = [abs(e - w) for w, e in pairs if e is not None]
        figures.append(ServiceFigures(code, len(pairs), statistics.mean(w for w, _ in pairs) / 60,
                                      max(w for w, _ in pairs) / 60,
                                      statistics.mean(errs) / 60 if errs else 0.0))
    return DayReport(
        tickets=len(rows), estimated=len(errors), mean_wait_min=statistics.mean(waits) / 60,
        mean_abs_error_min=statistics.mean(errors) / 60,
        median_abs_error_min=statistics.median(errors) / 60,
        p90_abs_error_min=errors[int(0.9 * len(errors))] / 60,
        within_5_min=sum(e <= 300 for e in errors) / len(errors), services=figures)
