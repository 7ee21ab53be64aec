"""The local case table, filled by `hallctl cases import`.

What a kiosk needs and no more: the applicant's name only masked, and no ID or phone
number at all — a lookup by person matches a keyed hash of the ID number with the
phone's last 4 digits (the key is made once, at random, in this daemon's store).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets

from hallkit.daemons.cases.records import CaseView
from hallkit.privacy import mask_name
from hallkit.store import Migration, Store

MIGRATIONS = (
    Migration(1, "cases and the key of their person hash", """
        CREATE TABLE cases (
            case_no TEXT PRIMARY KEY, person TEXT NOT NULL, view TEXT NOT NULL,
            updated_at TEXT NOT NULL, imported_at REAL NOT NULL);
        CREATE INDEX cases_person ON cases(person);
        CREATE TABLE case_key (id INTEGER PRIMARY KEY CHECK (id = 1), key BLOB NOT NULL);
    """),
)
BY_PERSON_MAX = 10


class LocalCases:
    def __init__(self, store: Store) -> None:
        self.conn = store.conn
        row = self.conn.execute("SELECT key FROM case_key").fetchone()
        if row is None:
            with store.db.atomic():
                self.conn.execute("INSERT INTO case_key VALUES (1, ?)", (secrets.token_bytes(32),))
            row = self.conn.execute("SELECT key FROM case_key").fetchone()
        self._key = row[0]

    def person(self, id_number: str, phone_last4: str) -> str:
        return hmac.new(self._key, f"{id_number.upper()}|{phone_last4}".encode(), hashlib.sha256).hexdigest()

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
            return "unchanged"  # an older export run again must not undo a newer one
        view = CaseView(
            case_no=case_no, item=row.item, applicant_masked=mask_name(row.applicant),
            status=row.status, stage=row.stage, next_step=row.next_step, to_bring=row.to_bring,
            due_date=row.due_date, pickup=row.pickup, pickup_place=row.pickup_place,
            updated_at=row.updated_at)
        person = self.person(row.id_number, row.phone_last4)
        text = json.dumps(view.model_dump(mode="json", exclude_none=True), ensure_ascii=False)
        if held is not None and (held[1], held[2]) == (text, person):
            return "unchanged"
        self.conn.execute(
            "INSERT INTO cases VALUES (?, ?, ?, ?, ?) ON CONFLICT (case_no) DO UPDATE SET "
            "person = excluded.person, view = excluded.view, updated_at = excluded.updated_at, "
            "imported_at = excluded.imported_at", (case_no, person, text, row.updated_at, now))
        return "added" if held is None else "updated"
