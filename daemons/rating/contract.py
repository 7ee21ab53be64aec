"""What the rating daemon says on the bus (好差评): a window's rating opened when its service
ends, the rating a device sends back (one per service), bad ratings' follow-up, the good
rate (好评率), and the daily files.

A rating device that is a bus client of its own (an MQTT tablet, the PyQt rating screen)
reads the retained ``state`` (each window's open rating) or the ``ask`` and ``closed``
events, and sends ``rate`` for its own window. The keypad daemon does the same for the
rating pads on FF 68 keypads.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, field_validator

from hallkit.contract.envelope import Payload
from hallkit.contract.spec import Body, Command, Contract, EventTopic, StateTopic

COMPONENT = "rating"
LEVELS = {5: ("非常满意", "very satisfied"), 4: ("满意", "satisfied"), 3: ("基本满意", "fairly satisfied"),
          2: ("不满意", "dissatisfied"), 1: ("非常不满意", "very dissatisfied")}
Channel = Literal["keypad-pad", "window-pad", "tablet", "kiosk-screen", "qr", "none"]
CONTROL = dict.fromkeys(range(32)) | {127: None}


class Ask(Body):
    """A window's open rating: what the device shows, and what it answers to."""

    ask_id: str
    window: int
    ticket_id: str
    number: str
    service: str
    service_name_zh: str
    service_name_en: str
    clerk: str | None = Field(None, description="the clerk's number (不显示姓名 in exports)")
    clerk_name_zh: str | None = None
    asked_at: float
    expires_at: float = Field(description="epoch seconds: the rating closes then")
    reasons: list[str] = Field(description="what a bad rating (1–2) may pick from")


class SubScores(Body):
    attitude: int | None = Field(None, ge=1, le=5, description="服务态度")
    efficiency: int | None = Field(None, ge=1, le=5, description="服务效率")
    skill: int | None = Field(None, ge=1, le=5, description="服务水平")


class Rate(Body):
    window: int = Field(ge=1, le=999)
    ask_id: str | None = Field(None, max_length=40, description=(
        "the rating answered (from the ask); left out, the window's open one"))
    level: int = Field(ge=1, le=5, description="5 非常满意 … 1 非常不满意")
    reasons: list[str] = Field(default_factory=list, max_length=6, description="for 1–2, from the ask's list")
    comment: str | None = Field(None, max_length=500)
    sub_scores: SubScores | None = None
    phone: str | None = Field(None, pattern=r"^1[3-9][0-9]{9}$", max_length=11, description=(
        "only if the rater chooses to leave it (kept masked and hashed)"))

    @field_validator("comment")
    @classmethod
    def _printable(cls, comment: str | None) -> str | None:
        return None if comment is None else comment.translate(CONTROL).strip() or None


class Rated(Body):
    rating_id: str
    level: int
    follow_up: bool = Field(description="a bad rating: a follow-up was opened")


class Closed(Body):
    ask_id: str
    window: int
    outcome: Literal["rated", "unrated", "replaced"]
    level: int | None = None


class FollowUpView(Body):
    state: Literal["open", "answered", "closed"]
    owner: str
    deadline: date
    overdue: bool
    answer: str | None = None


class RatingLine(Body):
    rating_id: str
    day: date
    rated_at: float | None = None
    window: int
    clerk: str | None
    service: str
    number: str
    channel: str
    level: int | None = Field(None, description="none: 未评价")
    reasons: list[str] = Field(default_factory=list)
    comment: str | None = None
    phone_masked: str | None = None
    follow_up: FollowUpView | None = None


class ListAsk(Body):
    bad: bool = Field(False, description="only levels 1–2")
    open: bool = Field(False, description="only those whose follow-up is not closed")
    day: date | None = None
    limit: int = Field(50, ge=1, le=500)


class RatingList(Body):
    ratings: list[RatingLine]


class ShowAsk(Body):
    rating_id: str = Field(max_length=40)


class FollowUp(Body):
    rating_id: str = Field(max_length=40)
    assign: str | None = Field(None, min_length=1, max_length=40, description="the new owner")
    answer: str | None = Field(None, min_length=2, max_length=1000,
                               description="what was done, as told to the rater")
    close: bool = False


class StatsAsk(Body):
    since: date
    until: date
    by: Literal["window", "clerk", "service", "day"] = "day"


class StatsRow(Body):
    key: str
    services: int = Field(description="services with a rating window (rated or not)")
    rated: int
    good: int = Field(description="levels 4–5")
    bad: int = Field(description="levels 1–2")
    good_rate: float | None = Field(None, description="好评率: good / rated; none when nothing was rated")


class Stats(Body):
    rows: list[StatsRow]


class ExportAsk(Body):
    day: date


class Exported(Body):
    csv: str
    jsonl: str
    ratings: int


class RatingSetup(Payload):
    """Retained at ``hall/<hall>/rating/<device-id>/setup`` for a rating device that is a bus
    client: which window it faces, so a tablet needs no config file."""

    device: str
    window: int
    window_label_zh: str
    window_label_en: str
    hall_name_zh: str
    hall_name_en: str
    reasons: list[str]


class RatingState(Payload):
    """Retained at ``hall/<hall>/rating/main/state``."""

    asks: list[Ask] = Field(description="each window's open rating")
    today_rated: int
    today_good_rate: float | None = None
    follow_ups_open: int
    follow_ups_overdue: int
    outbox_waiting: int
    summary: str


COMMANDS = (
    Command(COMPONENT, "rate", Rate, Rated, ("daemon", "rating"),
            "A rating for a window's open rating: one per service; a second is refused "
            "`already_rated`, none open `no_rating_open`. A rating device rates only its own window "
            "(`not_your_window`). Levels 1–2 open a follow-up.", personal=True),
    Command(COMPONENT, "list", ListAsk, RatingList, ("ops",), "Ratings, newest first.", readonly=True),
    Command(COMPONENT, "show", ShowAsk, RatingLine, ("ops",), "One rating.", readonly=True),
    Command(COMPONENT, "follow-up", FollowUp, RatingLine, ("ops",),
            "Assign, answer or close a bad rating's follow-up (整改)."),
    Command(COMPONENT, "stats", StatsAsk, Stats, ("ops", "daemon", "console"),
            "好评率 per window, clerk, service or day over a span of days.", readonly=True),
    Command(COMPONENT, "export", ExportAsk, Exported, ("ops",),
            "Write a day's CSV (UTF-8 with BOM) and JSON lines again, and say where."),
)
STATES = (StateTopic(COMPONENT, RatingState, "Each window's open rating; today's figures."),
          StateTopic(COMPONENT, RatingSetup, "A rating tablet's window, for that tablet.",
                     "hall/<hall>/rating/<device-id>/setup"))
EVENTS = (
    EventTopic(COMPONENT, "ask", Ask, "A service ended: its window's rating devices light up.",
               readers=("daemon", "rating", "ops")),
    EventTopic(COMPONENT, "closed", Closed, "A window's rating closed (rated, or not in time).",
               readers=("daemon", "rating", "ops")),
)
EXAMPLES = {
    (COMPONENT, "rate"): {"window": 3, "level": 5},
    (COMPONENT, "list"): {"bad": True, "open": True},
    (COMPONENT, "show"): {"rating_id": "1a2b3c"},
    (COMPONENT, "follow-up"): {"rating_id": "1a2b3c", "answer": "已联系办事人，补充告知材料清单"},
    (COMPONENT, "stats"): {"since": "2026-11-01", "until": "2026-11-30", "by": "window"},
    (COMPONENT, "export"): {"day": "2026-11-30"},
}
CONTRACT = Contract(COMMANDS, STATES, EVENTS, EXAMPLES)
