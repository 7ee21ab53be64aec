"""The hall's service guide (办事指南): imported whole, searched and read by kiosks."""

from __future__ import annotations

import json
import logging
from itertools import groupby

from hallkit.daemons.guide import contract as msg
from hallkit.daemons.guide.guidefile import cross_check
from hallkit.daemons.guide.search import Entry, search
from hallkit.runtime.commands import CommandContext, CommandError, handles
from hallkit.runtime.daemon import Daemon
from hallkit.runtime.hours import WEEKDAYS, range_text
from hallkit.store import Migration

log = logging.getLogger(__name__)

STAGING_KEEP_S = 3600  # an import whose parts stopped coming is dropped after this


class GuideDaemon(Daemon):
    name = msg.COMPONENT
    migrations = (
        Migration(1, "the guide, and imports on their way in", """
            CREATE TABLE departments (code TEXT PRIMARY KEY, ord INTEGER NOT NULL, body TEXT NOT NULL);
            CREATE TABLE items (id TEXT PRIMARY KEY, department TEXT NOT NULL, ord INTEGER NOT NULL,
                                body TEXT NOT NULL);
            CREATE TABLE staging (import_id TEXT NOT NULL, part INTEGER NOT NULL, parts INTEGER NOT NULL,
                                  body TEXT NOT NULL, at REAL NOT NULL, PRIMARY KEY (import_id, part));
            CREATE TABLE imported (id INTEGER PRIMARY KEY CHECK (id = 1), at REAL NOT NULL);
        """),
    )

    def __init__(self, cfg, **kw) -> None:
        super().__init__(cfg, **kw)
        self._swapped = False
        self._load()

    def _load(self) -> None:
        """The guide from the store into memory, where searches read it."""
        conn = self.store.conn
        self.departments = [msg.Department.model_validate_json(r[0]) for r in
                            conn.execute("SELECT body FROM departments ORDER BY ord")]
        self.items: dict[str, msg.IndexedItem] = {}
        self.entries: list[Entry] = []
        for order, (body,) in enumerate(conn.execute("SELECT body FROM items ORDER BY ord")):
            item = msg.IndexedItem.model_validate_json(body)
            self.items[item.id] = item
            self.entries.append(Entry(item.id, item.department, item.name_zh, item.name_en,
                                      tuple(item.keywords), item.pinyin, tuple(item.initials), order))

    def retained_state(self) -> msg.GuideState:
        counts = {code: len(list(group)) for code, group in
                  groupby(sorted(e.department for e in self.entries))}
        row = self.store.conn.execute("SELECT at FROM imported").fetchone()
        return msg.GuideState(
            departments=[msg.DepartmentCount(**d.model_dump(), items=counts.get(d.code, 0))
                         for d in self.departments],
            items=len(self.entries), imported_at=row[0] if row else None)

    def after_batch(self) -> None:
        if self._swapped:  # read back only now: the new guide is on disk
            self._swapped = False
            self._load()
            self.publish_durably()

    def housekeeping(self) -> None:
        with self.store.db.atomic():
            self.store.conn.execute("DELETE FROM staging WHERE at < ?",
                                    (self.clock.time() - STAGING_KEEP_S,))

    @handles("guide-search")
    def guide_search(self, req: msg.GuideSearch, ctx: CommandContext) -> msg.GuideHits:
        found = search(self.entries, req.text, req.department)
        return msg.GuideHits(total=len(found), hits=[
            msg.GuideHit(id=e.id, department=e.department, name_zh=e.name_zh, name_en=e.name_en)
            for e in found[:req.limit]])

    @handles("guide-item")
    def guide_item(self, req: msg.GuideItemAsk, ctx: CommandContext) -> msg.GuideDetail:
        item = self.items.get(req.id)
        if item is None:
            raise CommandError("not_found", f"no item {req.id!r} in the guide", "data.id")
        department = next(d for d in self.departments if d.code == item.department)
        windows = [msg.WindowLabel(number=w.number, label_zh=w.label_zh, label_en=w.label_en)
                   for w in self.cfg.windows if item.service in w.services]
        return msg.GuideDetail(item=msg.GuideItem(**item.model_dump(exclude={"pinyin", "initials"})),
                               department=department, windows=windows, hours=self._week())

    def _week(self) -> list[msg.HoursLine]:
        hours = self.cfg.hall.opening_hours
        days = [(day, [range_text(a, b) for a, b in getattr(hours, day)]) for day in WEEKDAYS]
        return [msg.HoursLine(days=[d for d, _ in group], hours=h)
                for h, group in ((h, list(g)) for h, g in groupby(days, key=lambda d: d[1]))]

    @handles("guide-import")
    def guide_import(self, req: msg.GuideImport, ctx: CommandContext) -> msg.GuideImported:
        if req.part > req.parts:
            raise CommandError("bad_request", f"part {req.part} of {req.parts}", "data.part")
        conn = self.store.conn
        body = req.model_dump_json(include={"departments", "items"})
        conn.execute("INSERT OR REPLACE INTO staging VALUES (?, ?, ?, ?, ?)",
                     (req.import_id, req.part, req.parts, body, ctx.now))
        got = conn.execute("SELECT part, body FROM staging WHERE import_id = ? AND parts = ? ORDER BY part",
                           (req.import_id, req.parts)).fetchall()
        if len(got) < req.parts:
            return msg.GuideImported(complete=False, parts_missing=req.parts - len(got))
        departments, items = [], []
        for _, part_body in got:
            part = msg.GuideImport.model_validate({"import_id": req.import_id, "part": 1, "parts": 1,
                                                   **json.loads(part_body)})
            departments += part.departments
            items += part.items
        conn.execute("DELETE FROM staging WHERE import_id = ?", (req.import_id,))
        problems = cross_check(departments, items, {s.code for s in self.cfg.services})
        if not departments or not items:
            problems.append(((), "a guide needs at least one department and one item"))
        if problems:
            where, what = problems[0]
            raise CommandError("bad_guide", f"{'.'.join(map(str, where))}: {what}"
                               + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))
        conn.execute("DELETE FROM departments")
        conn.execute("DELETE FROM items")
        conn.executemany("INSERT INTO departments VALUES (?, ?, ?)",
                         [(d.code, i, d.model_dump_json()) for i, d in enumerate(departments)])
        conn.executemany("INSERT INTO items VALUES (?, ?, ?, ?)",
                         [(it.id, it.department, i, it.model_dump_json()) for i, it in enumerate(items)])
        conn.execute("INSERT OR REPLACE INTO imported VALUES (1, ?)", (ctx.now,))
        self._swapped = True
        log.info("guide replaced: %d departments, %d items", len(departments), len(items))
        return msg.GuideImported(complete=True, parts_missing=0, items=len(items))
