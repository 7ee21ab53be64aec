"""What the cases daemon says on the bus: case lookups (办件查询) for kiosks, the import of
an approval system's export, and how many cases it holds."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from hallkit.contract.envelope import Payload
from hallkit.contract.spec import Body, Command, Contract, StateTopic
from hallkit.daemons.cases.records import CASE_NO, CaseView, Line, Pickup, Status
from hallkit.idnumbers import valid_id_number

COMPONENT = "cases"
ID_NUMBER = r"^[0-9]{17}[0-9X]$"
MAX_ROWS = 150  # cases per import request: well under the bus's 64 KiB


class CaseLookup(Body):
    """By the case number (typed, or scanned from the receipt), or by the applicant's ID
    number with the last 4 digits of the phone number given when applying."""

    kiosk: str | None = Field(None, max_length=48, description="the kiosk (a kiosk: itself)")
    case_no: str | None = Field(None, pattern=CASE_NO, max_length=40)
    id_number: str | None = Field(None, pattern=ID_NUMBER, max_length=18)
    phone_last4: str | None = Field(None, pattern=r"^[0-9]{4}$", max_length=4)

    @model_validator(mode="after")
    def _one_way(self):
        by_person = self.id_number is not None or self.phone_last4 is not None
        if (self.case_no is None) == (not by_person):
            raise ValueError("give case_no, or id_number with phone_last4 (not both)")
        if by_person and (self.id_number is None or self.phone_last4 is None):
            raise ValueError("id_number and phone_last4 go together")
        return self


class CaseLookupAnswer(Body):
    """Not a refusal when nothing is found: the failure counts towards the kiosk's limit, so
    it is stored, and a refusal changes nothing."""

    outcome: Literal["found", "not_found", "locked"]
    cases: list[CaseView] = Field(default_factory=list, max_length=10, description=(
        "newest first; by ID number at most 10"))
    tries_left: int = Field(0, description="failed lookups this kiosk has left before the lock")
    locked_s: float = Field(0.0, description="how long this kiosk's lookups stay locked")


class CaseRow(Body):
    """One case of an approval system's export (`hallctl cases import` reads the CSV)."""

    case_no: str = Field(pattern=CASE_NO, max_length=40)
    item: str = Field(min_length=1, max_length=100)
    applicant: str = Field(min_length=1, max_length=30, description="stored masked only")
    id_number: str | None = Field(None, pattern=ID_NUMBER, max_length=18, description=(
        "a resident ID, stored only as a keyed hash with the phone's last 4 digits; none (a "
        "company, a passport holder): the case is found by its number only"))
    phone_last4: str = Field(pattern=r"^[0-9]{4}$", max_length=4)
    status: Status
    stage: str = Field("", max_length=100)
    next_step: str = Field("", max_length=300)
    to_bring: list[Line] = Field(default_factory=list, max_length=20)
    due_date: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    pickup: Pickup | None = None
    pickup_place: str = Field("", max_length=100)
    updated_at: str = Field("", pattern=r"^(\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?)?$", max_length=19)

    @field_validator("id_number")
    @classmethod
    def _check_digit(cls, value: str | None) -> str | None:
        if value is not None and not valid_id_number(value):
            raise ValueError("the check digit does not match: a typo?")
        return value


class CasesImport(Body):
    rows: list[CaseRow] = Field(min_length=1, max_length=MAX_ROWS)


class CasesImported(Body):
    added: int
    updated: int
    unchanged: int = Field(description="rows no newer than the case already held (by updated_at)")


class CaseUnlock(Body):
    kiosk: str = Field(max_length=48)


class CaseUnlocked(Body):
    unlocked: bool = Field(description="false: the kiosk was not locked")


class CasesState(Payload):
    """Retained at ``hall/<hall>/cases/main/state``."""

    source: str = Field(description="where cases come from: 'local' (imported) or a plug-in's name")
    cases: int | None = Field(None, description="cases held locally (None: the source does not say)")
    imported_at: float | None = Field(None, description="when the last import arrived")


COMMANDS = (
    Command(COMPONENT, "case-lookup", CaseLookup, CaseLookupAnswer, ("kiosk", "ops"),
            "Find a case by its number, or an applicant's cases by ID number and the phone's last "
            "4 digits. Each kiosk may fail 5 lookups in 10 min and make 60 an hour; then its "
            "lookups are locked (10 min, each lock within a day of the last twice as long; [cases] "
            "in the hall config) and a warning logged for staff. Answered, never stored.",
            own=("kiosk",), personal=True, readonly=True),
    Command(COMPONENT, "case-unlock", CaseUnlock, CaseUnlocked, ("ops",),
            "Lift a kiosk's lookup lock (`hallctl cases unlock KIOSK`), once staff have looked."),
    Command(COMPONENT, "cases-import", CasesImport, CasesImported, ("ops",),
            "Add or update cases from an approval system's export (`hallctl cases import "
            "FILE.csv`); a row older than the case held is left out. Refusals: `not_local` "
            "(cases come from a plug-in source).", personal=True),
)
STATES = (StateTopic(COMPONENT, CasesState, "Where cases come from and how many are held."),)
EXAMPLES = {
    (COMPONENT, "case-lookup"): {"case_no": "QH20261127000318"},
    (COMPONENT, "case-unlock"): {"kiosk": "kiosk-1"},
    (COMPONENT, "cases-import"): {"rows": [{
        "case_no": "QH20261127000318", "item": "不动产转移登记", "applicant": "王建国",
        "id_number": "11010519491231002X", "phone_last4": "5678", "status": "needs_more",
        "stage": "登记审核", "next_step": "请补齐材料后到3号窗口提交",
        "to_bring": ["契税完税凭证原件"], "due_date": "2026-12-04", "pickup": "locker",
        "updated_at": "2026-11-28 16:20"}]},
}
CONTRACT = Contract(COMMANDS, STATES, (), EXAMPLES)
