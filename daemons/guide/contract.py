"""What the guide daemon says on the bus: the hall's service guide (办事指南) — its
departments and items, searched (pinyin initials too) and read item by item by kiosks."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from hallkit.contract.envelope import Payload
from hallkit.contract.spec import Body, Command, Contract, StateTopic

COMPONENT = "guide"
READERS = ("kiosk", "console", "ops", "daemon")  # kiosks, and a clerk's console answering a citizen
CODE = r"^[a-z0-9][a-z0-9_-]{0,31}$"
ITEM_ID = r"^[a-z0-9][a-z0-9_-]{1,47}$"
Word = Annotated[str, StringConstraints(min_length=1, max_length=20)]
Initials = Annotated[str, StringConstraints(pattern=r"^[a-z]{1,60}$")]


class Department(Body):
    code: str = Field(pattern=CODE, max_length=32)
    name_zh: str = Field(min_length=1, max_length=30)
    name_en: str = Field(min_length=1, max_length=80)


class Material(Body):
    """One paper (申请材料) an applicant brings."""

    name_zh: str = Field(min_length=1, max_length=80)
    name_en: str | None = Field(None, max_length=160)
    form: Literal["original", "copy", "original_and_copy", "electronic"] = Field(
        "original", description="原件, 复印件, 原件及复印件, or 电子材料")
    copies: int = Field(1, ge=1, le=20)
    required: bool = Field(True, description="false: only in some cases (容缺 or 视情形提供)")
    note_zh: str | None = Field(None, max_length=100, description="e.g. 夫妻双方均需提供")


class GuideItem(Body):
    """One service item (政务服务事项), as written in the guide file."""

    id: str = Field(pattern=ITEM_ID, max_length=48)
    department: str = Field(pattern=CODE, max_length=32)
    service: str | None = Field(None, max_length=16, description=(
        "the queue service it is handled at (its windows are shown, and a ticket taken)"))
    name_zh: str = Field(min_length=1, max_length=40)
    name_en: str = Field(min_length=1, max_length=120)
    keywords: list[Word] = Field(default_factory=list, max_length=10, description=(
        "what citizens call it, e.g. 过户 for 不动产转移登记; searched like the name"))
    conditions_zh: str | None = Field(None, max_length=300, description="申请条件")
    materials: list[Material] = Field(default_factory=list, max_length=30)
    fee_zh: str = Field("不收费", min_length=1, max_length=150)
    fee_en: str | None = Field(None, max_length=200)
    legal_days: int | None = Field(None, ge=0, le=365, description="法定办结时限, working days")
    promised_days: int | None = Field(None, ge=0, le=365, description=(
        "承诺办结时限, working days; 0: done on the spot (即办)"))
    online_zh: str | None = Field(None, max_length=150, description="网上办理: where and how")
    online_url: str | None = Field(None, pattern=r"^https?://\S+$", max_length=200)
    notes_zh: str | None = Field(None, max_length=300, description="温馨提示")


class IndexedItem(GuideItem):
    """An item as imported: with what a search on pinyin matches, which the importer works
    out (`hallctl guide import` uses pypinyin), so the daemon carries no dictionary."""

    pinyin: str = Field("", max_length=400, pattern=r"^[a-z]*$", description="the name in pinyin")
    initials: list[Initials] = Field(default_factory=list, max_length=24, description=(
        "the first letters of the name's and keywords' syllables, each reading of a character "
        "that has several: 不动产登记 → bdcdj"))


class GuideImport(Body):
    """One part of an import; the guide is replaced when the last of its parts arrives."""

    import_id: str = Field(pattern=r"^[0-9a-f]{16,32}$", max_length=32)
    part: int = Field(ge=1, le=500)
    parts: int = Field(ge=1, le=500)
    departments: list[Department] = Field(default_factory=list, max_length=100)
    items: list[IndexedItem] = Field(default_factory=list, max_length=200)


class GuideImported(Body):
    complete: bool = Field(description="all parts are in and the guide was replaced")
    parts_missing: int
    items: int = Field(0, description="items in the guide now (once complete)")


class GuideSearch(Body):
    text: str = Field("", max_length=40, description=(
        "Chinese, pinyin initials (bdc), pinyin (budongchan) or English; empty: every item"))
    department: str | None = Field(None, pattern=CODE, max_length=32)
    limit: int = Field(30, ge=1, le=200)


class GuideHit(Body):
    id: str
    department: str
    name_zh: str
    name_en: str


class GuideHits(Body):
    hits: list[GuideHit]
    total: int = Field(description="items matching (hits holds the first `limit` of them)")


class GuideItemAsk(Body):
    id: str = Field(pattern=ITEM_ID, max_length=48)


class WindowLabel(Body):
    number: int
    label_zh: str
    label_en: str


class HoursLine(Body):
    days: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]]
    hours: list[str] = Field(description="e.g. ['08:30-12:00', '13:30-17:30']; empty: closed")


class GuideDetail(Body):
    item: GuideItem
    department: Department
    windows: list[WindowLabel] = Field(description="the windows serving the item's service")
    hours: list[HoursLine] = Field(description="the hall's week, days with the same hours together")


class DepartmentCount(Department):
    items: int


class GuideState(Payload):
    """Retained at ``hall/<hall>/guide/main/state``: the departments, for a kiosk's first
    guide screen; items are asked for (a hall's guide holds hundreds)."""

    departments: list[DepartmentCount]
    items: int
    imported_at: float | None = None


COMMANDS = (
    Command(COMPONENT, "guide-search", GuideSearch, GuideHits, READERS,
            "Items whose name or keywords match, best first: the name itself, then a name "
            "starting so, then containing it; pinyin initials and pinyin alike.", readonly=True),
    Command(COMPONENT, "guide-item", GuideItemAsk, GuideDetail, READERS,
            "One item whole, with the windows that serve it and the hall's hours. Refusals: "
            "`not_found`.", readonly=True),
    Command(COMPONENT, "guide-import", GuideImport, GuideImported, ("ops",),
            "Replace the guide (`hallctl guide import FILE.toml`), in parts of up to 200 items; "
            "the last part swaps it in whole. Refusals: `bad_guide` (an item names a department "
            "or service that is not there, or an id twice): the guide stays as it was, and the "
            "refused import's parts are dropped within the hour."),
)
STATES = (StateTopic(COMPONENT, GuideState, "The guide's departments and how many items each has."),)
EXAMPLES = {
    (COMPONENT, "guide-search"): {"text": "bdc"},
    (COMPONENT, "guide-item"): {"id": "bdc-transfer"},
    (COMPONENT, "guide-import"): {
        "import_id": "5f0c2a9e1b7d4c38", "part": 1, "parts": 1,
        "departments": [{"code": "bdc", "name_zh": "不动产登记中心",
                         "name_en": "Real Estate Registration Center"}],
        "items": [{"id": "bdc-transfer", "department": "bdc", "service": "BDC",
                   "name_zh": "不动产转移登记", "name_en": "Real estate transfer registration",
                   "keywords": ["过户"], "materials": [{"name_zh": "不动产权证书", "form": "original"}],
                   "legal_days": 30, "promised_days": 5, "pinyin": "budongchanzhuanyidengji",
                   "initials": ["bdczydj", "gh"]}]},
}
CONTRACT = Contract(COMMANDS, STATES, (), EXAMPLES)
