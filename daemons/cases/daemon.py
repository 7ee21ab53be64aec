"""Case lookups (办件查询) for kiosks, from the configured case source, with limits on how a
kiosk may look up: a stolen ID card is not a key to guess phone digits with, and case
numbers (a date and a count) are not to be walked through."""

from __future__ import annotations

import logging

from hallkit.daemons.cases import contract as msg
from hallkit.daemons.cases.local import MIGRATIONS, LocalCases
from hallkit.daemons.cases.source import SourceError, open_source
from hallkit.runtime.commands import CommandContext, CommandError, handles
from hallkit.runtime.daemon import Daemon
from hallkit.store import Migration

log = logging.getLogger(__name__)

LOCKS_FORGOTTEN_S = 24 * 3600  # a lock this long past starts the doubling afresh
MAX_DOUBLINGS = 3              # locks grow to 8 times lock_min, no longer: staff can unlock
HOUR_S = 3600


class CasesDaemon(Daemon):
    name = msg.COMPONENT
    migrations = (
        *MIGRATIONS,
        Migration(2, "lookups and locks, per kiosk; when cases were last imported", """
            CREATE TABLE lookups (kiosk TEXT NOT NULL, at REAL NOT NULL, found INTEGER NOT NULL);
            CREATE INDEX lookups_kiosk ON lookups(kiosk, at);
            CREATE TABLE lookup_locks (kiosk TEXT PRIMARY KEY, until REAL NOT NULL, locks INTEGER NOT NULL);
            CREATE TABLE imports (id INTEGER PRIMARY KEY CHECK (id = 1), at REAL NOT NULL);
        """),
    )

    def __init__(self, cfg, **kw) -> None:
        super().__init__(cfg, **kw)
        self.settings = cfg.section("cases")
        self.source = open_source(self.settings.source, self.store, self.settings.source_options,
                                  cfg.credentials_path / "cases-person-hash.key")
        self._changed = False

    def retained_state(self) -> msg.CasesState:
        row = self.store.conn.execute("SELECT at FROM imports").fetchone()
        try:
            count = self.source.count()
        except Exception:  # a plug-in's own trouble: the state says "not known"
            log.exception("the %s case source could not count its cases", self.settings.source)
            count = None
        return msg.CasesState(source=self.settings.source, cases=count,
                              imported_at=row[0] if row else None)

    def after_batch(self) -> None:
        if self._changed:
            self._changed = False
            self.publish_durably()

    def housekeeping(self) -> None:
        now = self.clock.time()
        with self.store.db.atomic():
            self.store.conn.execute("DELETE FROM lookups WHERE at < ?", (now - HOUR_S - 60 *
                                                                        self.settings.failed_window_min,))
            if isinstance(self.source, LocalCases):
                gone = self.source.forget(now - self.settings.keep_days * 86400)
                if gone:
                    log.info("forgot %d case(s) no import has carried for %d days", gone,
                             self.settings.keep_days)
                    self._changed = True
        if self._changed:
            self._changed = False
            self.publish_durably()

    @handles("case-lookup")
    def case_lookup(self, req: msg.CaseLookup, ctx: CommandContext) -> msg.CaseLookupAnswer:
        kiosk = req.kiosk if not ctx.sender.trusted else None  # staff look up without limits
        if kiosk is not None:
            locked = self._locked_s(kiosk, ctx.now)
            if locked:
                return msg.CaseLookupAnswer(outcome="locked", locked_s=locked)
        try:
            if req.case_no is not None:
                found = self.source.by_number(req.case_no)
                cases = [found] if found else []
            else:
                cases = self.source.by_person(req.id_number, req.phone_last4)
        except SourceError as exc:
            raise CommandError("unavailable", f"the case source did not answer: {exc}") from None
        if kiosk is None:
            return msg.CaseLookupAnswer(outcome="found" if cases else "not_found", cases=cases[:10])
        return self._counted(kiosk, ctx.now, cases[:10])

    def _locked_s(self, kiosk: str, now: float) -> float:
        row = self.store.conn.execute("SELECT until FROM lookup_locks WHERE kiosk = ?", (kiosk,)).fetchone()
        return round(row[0] - now) if row and row[0] > now else 0

    def _counted(self, kiosk: str, now: float, cases: list) -> msg.CaseLookupAnswer:
        """The answer, once this lookup is counted against the kiosk's limits."""
        s, conn = self.settings, self.store.conn
        conn.execute("INSERT INTO lookups VALUES (?, ?, ?)", (kiosk, now, 1 if cases else 0))
        fails, total = conn.execute(
            "SELECT count(*) FILTER (WHERE NOT found AND at > ?), count(*) FROM lookups "
            "WHERE kiosk = ? AND at > ?", (now - s.failed_window_min * 60, kiosk, now - HOUR_S)).fetchone()
        if total > s.lookups_per_hour:
            return self._lock(kiosk, now, f"{total} lookups within the hour")
        if not cases and fails >= s.failed_lookups:
            return self._lock(kiosk, now, f"{fails} lookups found nothing within {s.failed_window_min} min")
        if cases:
            return msg.CaseLookupAnswer(outcome="found", cases=cases)
        return msg.CaseLookupAnswer(outcome="not_found", tries_left=s.failed_lookups - fails)

    def _lock(self, kiosk: str, now: float, why: str) -> msg.CaseLookupAnswer:
        conn = self.store.conn
        last = conn.execute("SELECT until, locks FROM lookup_locks WHERE kiosk = ?", (kiosk,)).fetchone()
        in_a_row = last[1] if last and now - last[0] < LOCKS_FORGOTTEN_S else 0
        lock_s = self.settings.lock_min * 60 * 2 ** min(in_a_row, MAX_DOUBLINGS)
        conn.execute("INSERT OR REPLACE INTO lookup_locks VALUES (?, ?, ?)",
                     (kiosk, now + lock_s, in_a_row + 1))
        conn.execute("DELETE FROM lookups WHERE kiosk = ?", (kiosk,))
        log.warning("kiosk %s: %s; its case lookups are locked for %d min (someone may be guessing: a "
                    "look at the kiosk is worth it; `hallctl cases unlock %s` lifts the lock)",
                    kiosk, why, lock_s // 60, kiosk)
        return msg.CaseLookupAnswer(outcome="locked", locked_s=lock_s)

    @handles("case-unlock")
    def case_unlock(self, req: msg.CaseUnlock, ctx: CommandContext) -> msg.CaseUnlocked:
        cur = self.store.conn.execute("UPDATE lookup_locks SET until = ? WHERE kiosk = ? AND until > ?",
                                      (ctx.now, req.kiosk, ctx.now))
        if cur.rowcount:
            log.info("kiosk %s: case lookups unlocked by %s", req.kiosk, ctx.sender.user)
        return msg.CaseUnlocked(unlocked=bool(cur.rowcount))

    @handles("cases-import")
    def cases_import(self, req: msg.CasesImport, ctx: CommandContext) -> msg.CasesImported:
        if not isinstance(self.source, LocalCases):
            raise CommandError("not_local", f"cases come from the {self.settings.source!r} source "
                               "here, not from imports")
        counts = {"added": 0, "updated": 0, "unchanged": 0}
        for row in req.rows:
            counts[self.source.upsert(row, ctx.now)] += 1
        self.store.conn.execute("INSERT OR REPLACE INTO imports VALUES (1, ?)", (ctx.now,))
        self._changed = True
        return msg.CasesImported(**counts)
