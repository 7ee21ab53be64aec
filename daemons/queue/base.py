"""What the queue engine's parts share: config lookups, reading rows, figures."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from hallkit.clerk_gate import ClerkGate
from hallkit.clock import Clock
from hallkit.config.issues import closest
from hallkit.config.model import HallConfig
from hallkit.daemons.queue import estimate
from hallkit.daemons.queue.day import business_day
from hallkit.daemons.queue.place import window_groups
from hallkit.keys import keyed_hash
from hallkit.runtime.commands import CommandError


@dataclass
class Effects:
    """What an operation causes besides its answer."""

    events: list[tuple[str, BaseModel]] = field(default_factory=list)
    windows: set[int] = field(default_factory=set)
    services: bool = False

    def event(self, name: str, payload: BaseModel) -> None:
        self.events.append((name, payload))


class EngineBase:
    def __init__(self, cfg: HallConfig, conn: sqlite3.Connection, clock: Clock, pepper: bytes):
        self.cfg = cfg
        self.conn = conn
        self.clock = clock
        self.pepper = pepper
        self.tz = ZoneInfo(cfg.hall.timezone)
        self.services = {s.code: s for s in cfg.services}
        self.windows = {w.number: w for w in cfg.windows}
        self.clerks = {c.id: c for c in cfg.clerks}
        self.gate = ClerkGate(self.clerks, cfg.hall.demo)
        self.kiosks = set(cfg.devices_of("kiosk"))
        self._service_times: dict[str, float] = {}  # cache; end() drops a service's entry
        self._morning_counts: dict[tuple[str, str], int] = {}  # (day, service): tickets before noon
        self.windows_of = {code: [n for n, w in self.windows.items() if code in w.services]
                           for code in self.services}
        self.window_groups = {code: window_groups(cfg, code) for code in self.services}
        self.ratios = {code: s.rules.priority_ratio for code, s in self.services.items()}
        for number in self.windows:
            conn.execute("INSERT OR IGNORE INTO windows (number) VALUES (?)", (number,))
        for code, svc in self.services.items():
            conn.execute("INSERT OR IGNORE INTO lanes VALUES (?, ?)", (code, svc.rules.priority_ratio))

    # -- reading ----------------------------------------------------------------
    def one(self, sql: str, args=()) -> sqlite3.Row | None:
        cur = self.conn.cursor()
        cur.row_factory = sqlite3.Row
        return cur.execute(sql, args).fetchone()

    def all(self, sql: str, args=()) -> list[sqlite3.Row]:
        cur = self.conn.cursor()
        cur.row_factory = sqlite3.Row
        return cur.execute(sql, args).fetchall()

    def day(self, now: float) -> str:
        return business_day(datetime.fromtimestamp(now, self.tz), self.cfg.hall.day_starts_at).isoformat()

    def service(self, code: str, field_name: str = "data.service"):
        svc = self.services.get(code)
        if svc is None:
            near = closest(code, self.services)
            hint = f" (did you mean {near}?)" if near else ""
            raise CommandError("unknown_service", f"no service {code!r} in this hall{hint}", field_name)
        return svc

    def window_cfg(self, number: int, field_name: str = "data.window"):
        w = self.windows.get(number)
        if w is None:
            raise CommandError("unknown_window", f"no window {number} in this hall", field_name)
        return w

    def window_row(self, number: int) -> sqlite3.Row:
        self.window_cfg(number)
        return self.one("SELECT * FROM windows WHERE number = ?", (number,))

    def ticket_by_number(self, number: str, day: str) -> sqlite3.Row | None:
        return self.one("SELECT * FROM tickets WHERE day = ? AND number = ?", (day, number))

    def _since_priority(self) -> dict[str, int]:
        """Per service: normal tickets called since its last priority one."""
        return dict(self.conn.execute("SELECT service, normal_since_priority FROM lanes"))

    def hash(self, value: str | None) -> str | None:
        if value is None:
            return None
        return keyed_hash(self.pepper, value)

    def secret(self, ticket_id: str) -> str:
        """The ticket's secret for its QR code: derived, so nothing more is stored."""
        return keyed_hash(self.pepper, f"ticket:{ticket_id}")[:12]

    # -- writing ----------------------------------------------------------------
    def log(self, ticket: int, action: str, now: float, window: int | None = None,
            clerk: str | None = None, detail: str | None = None) -> None:
        self.conn.execute("INSERT INTO ticket_log (ticket, at, action, window, clerk, detail)"
                          " VALUES (?, ?, ?, ?, ?, ?)", (ticket, now, action, window, clerk, detail))

    # -- figures ------------------------------------------------------------------
    def capacities(self, only: str | None = None,
                   open_now: dict[int, bool] | None = None) -> dict[str, tuple[float, bool]]:
        """Per service (or just ``only``): open capacity (a window serving n services counts
        1/n) and whether one of those windows is idle now. ``open_now`` (window -> idle)
        saves the query when the caller has read the windows already."""
        if open_now is not None:
            open_rows = open_now.items()
        else:
            numbers = self.windows_of[only] if only else list(self.windows)
            open_rows = self.conn.execute(
                "SELECT number, ticket IS NULL FROM windows WHERE clerk IS NOT NULL AND paused = 0"
                f" AND number IN ({','.join('?' * len(numbers))})", numbers) if numbers else []
        codes = [only] if only else list(self.services)
        caps: dict[str, tuple[float, bool]] = {code: (0.0, False) for code in codes}
        for number, idle in open_rows:
            w = self.windows.get(number)  # None: a window since removed from the config
            for code in w.services if w else ():
                if code in caps:
                    cap, any_idle = caps[code]
                    caps[code] = (cap + 1 / len(w.services), any_idle or bool(idle))
        return caps

    def estimate(self, service: str, ahead: int, now: float,
                 caps: dict[str, tuple[float, bool]] | None = None) -> float | None:
        t = self._service_times.get(service)
        if t is None:
            default = self.services[service].rules.default_service_min * 60
            t = self._service_times[service] = estimate.service_time(self.conn, service, default, now)
        cap, idle = (caps or self.capacities(service))[service]
        return estimate.wait_s(ahead, t, cap, idle)

