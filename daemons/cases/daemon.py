"""Case lookups (办件查询) for kiosks, from the configured case source, with a limit on how
often a kiosk may look up in vain (a stolen ID card is not a key to guess phone digits
with, and case numbers are not to be walked through)."""

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


class CasesDaemon(Daemon):
    name = msg.COMPONENT
    migrations = (
        *MIGRATIONS,
        Migration(2, "failed lookups and locks, per kiosk", """
            CREATE TABLE failed_lookups (kiosk TEXT NOT NULL, at REAL NOT NULL);
            CREATE INDEX failed_lookups_kiosk ON failed_lookups(kiosk, at);
            CREATE TABLE lookup_locks (kiosk TEXT PRIMARY KEY, until REAL NOT NULL);
        """),
        Migration(3, "when cases were last imported", """
            CREATE TABLE imports (id INTEGER PRIMARY KEY CHECK (id = 1), at REAL NOT NULL);
        """),
        Migration(4, "locks in a row, each twice as long", """
            ALTER TABLE lookup_locks ADD COLUMN locks INTEGER NOT NULL DEFAULT 1;
        """),
    )

    def __init__(self, cfg, **kw) -> None:
        super().__init__(cfg, **kw)
        self.settings = cfg.section("cases")
        self.source = open_source(self.settings.source, self.store, self.settings.source_options)
        self._changed = False

    def retained_state(self) -> msg.CasesState:
        row = self.store.conn.execute("SELECT at FROM imports").fetchone()
        return msg.CasesState(source=self.settings.source, cases=self.source.count(),
                              imported_at=row[0] if row else None)

    def after_batch(self) -> None:
        if self._changed:
            self._changed = False
            self.publish_durably()

    def housekeeping(self) -> None:
        with self.store.db.atomic():
            self.store.conn.execute("DELETE FROM failed_lookups WHERE at < ?",
                                    (self.clock.time() - self.settings.failed_window_min * 60,))

    @handles("case-lookup")
    def case_lookup(self, req: msg.CaseLookup, ctx: CommandContext) -> msg.CaseLookupAnswer:
        kiosk = req.kiosk if not ctx.sender.trusted else None  # ops look up without a limit
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
        if cases:
            return msg.CaseLookupAnswer(outcome="found", cases=cases[:10])
        if kiosk is None:
            return msg.CaseLookupAnswer(outcome="not_found")
        return self._failed(kiosk, ctx.now)

    def _locked_s(self, kiosk: str, now: float) -> float:
        row = self.store.conn.execute("SELECT until FROM lookup_locks WHERE kiosk = ?", (kiosk,)).fetchone()
        return round(row[0] - now) if row and row[0] > now else 0

    def _failed(self, kiosk: str, now: float) -> msg.CaseLookupAnswer:
        s, conn = self.settings, self.store.conn
        conn.execute("INSERT INTO failed_lookups VALUES (?, ?)", (kiosk, now))
        fails = conn.execute("SELECT count(*) FROM failed_lookups WHERE kiosk = ? AND at > ?",
                             (kiosk, now - s.failed_window_min * 60)).fetchone()[0]
        if fails < s.failed_lookups:
            return msg.CaseLookupAnswer(outcome="not_found", tries_left=s.failed_lookups - fails)
        last = conn.execute("SELECT until, locks FROM lookup_locks WHERE kiosk = ?", (kiosk,)).fetchone()
        in_a_row = last[1] if last and now - last[0] < LOCKS_FORGOTTEN_S else 0
        lock_s = s.lock_min * 60 * 2 ** min(in_a_row, 7)  # a guesser's day gets short
        conn.execute("INSERT OR REPLACE INTO lookup_locks (kiosk, until, locks) VALUES (?, ?, ?)",
                     (kiosk, now + lock_s, in_a_row + 1))
        conn.execute("DELETE FROM failed_lookups WHERE kiosk = ?", (kiosk,))
        log.warning("kiosk %s: %d case lookups found nothing within %d min; its lookups are locked "
                    "for %d min (someone may be guessing: a look at the kiosk is worth it)",
                    kiosk, fails, s.failed_window_min, lock_s // 60)
        return msg.CaseLookupAnswer(outcome="locked", locked_s=lock_s)

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
