"""The local case table, filled by `hallctl cases import`.

What a kiosk needs and no more: the applicant's name only masked, and no ID or phone
number at all — a lookup by person matches a keyed hash of the ID number with the
phone's last 4 digits (the key is a file of its own, apart from the database: see
hallkit/keys.py). A case whose applicant has no resident ID (a company's credit code, a
passport) is found by its number only.
"""

from __future__ import annotations

import json

from hallkit.daemons.cases.records import CaseView
from hallkit.keys import keyed_hash
from hallkit.privacy import mask_name
from hallkit.store import Migration, Store

MIGRATIONS = (
    Migration(1, "cases, found by number or by a keyed hash of the applicant", """
        CREATE TABLE cases (
            case_no TEXT PRIMARY KEY, person TEXT, view TEXT NOT NULL,
            updated_at TEXT NOT NULL, imported_at REAL NOT NULL);
        CREATE INDEX cases_person ON cases(person);
        CREATE INDEX cases_imported ON cases(imported_at);
    """),
)
BY_PERSON_MAX = 10


class LocalCases:
    def __init__(self, store: Store, key: bytes) -> None:
        self.conn = store.conn
        self._key = key

    def person(self, id_number: str, phone_last4: str) -> str:
        return keyed_hash(self._key, f"{id_number.upper()}|{phone_last4}")

    def by_number(self, case_no: str) -> CaseView | None:
        row = self.conn.execute("SELECT view FROM cases WHERE case_no = ?",
                                (case_no.upper(),)).fetchone()
        return CaseView.model_validate_json(row[0]) if row else None

    def by_person(self, id_number: str, phone_last4: str) -> list[CaseView]:
        rows = self.conn.execute(
            "SELECT view FROM cases WHERE person = ? ORDER BY updated_at DESC, case_no DESC LIMIT ?",
            (self.person(id_number, phone_last4), BY_PERSON_MAX))
        return [CaseView.model_validate_json(r[0]) for r in rows]

    def count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM cases").fetchone()[0]

    def upsert(self, row, now: float) -> str:
        """One imported row: 'added', 'updated', or 'unchanged' when the case held is as new."""
        case_no = row.case_no.upper()
        held = self.conn.execute("SELECT updated_at, view, person FROM cases WHERE case_no = ?",
                                 (case_no,)).fetchone()
        if held is not None and row.updated_at and held[0] and row.updated_at < held[0]:
            self._carried(case_no, now)  # an older export run again must not undo a newer one
            return "unchanged"
        view = CaseView(
            case_no=case_no, item=row.item, applicant_masked=mask_name(row.applicant),
            status=row.status, stage=row.stage, next_step=row.next_step, to_bring=row.to_bring,
            due_date=row.due_date, pickup=row.pickup, pickup_place=row.pickup_place,
            updated_at=row.updated_at)
        person = self.person(row.id_number, row.phone_last4) if row.id_number else None
        text = json.dumps(view.model_dump(mode="json", exclude_none=True), ensure_ascii=False)
        if held is not None and (held[1], held[2]) == (text, person):
            self._carried(case_no, now)
            return "unchanged"
        self.conn.execute(
            "INSERT INTO cases VALUES (?, ?, ?, ?, ?) ON CONFLICT (case_no) DO UPDATE SET "
            "person = excluded.person, view = excluded.view, updated_at = excluded.updated_at, "
            "imported_at = excluded.imported_at", (case_no, person, text, row.updated_at, now))
        return "added" if held is None else "updated"

    def _carried(self, case_no: str, now: float) -> None:
        """An export carried the case again: it is not yet one to forget."""
        self.conn.execute("UPDATE cases SET imported_at = ? WHERE case_no = ?", (now, case_no))

    def forget(self, before: float) -> int:
        """Cases no export has carried since ``before`` (collected, withdrawn, long done)."""
        return self.conn.execute("DELETE FROM cases WHERE imported_at < ?", (before,)).rowcount
