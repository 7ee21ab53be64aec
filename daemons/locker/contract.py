"""What the locker daemon says on the bus: deposits by staff, pickups by code, drop-offs
after hours, staff overrides, alarms, and each door's part in them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from hallkit.contract.envelope import Payload
from hallkit.contract.spec import Body, Command, Contract, EventTopic, StateTopic

COMPONENT = "locker"
Size = Literal["S", "M", "L", "XL"]
KIOSK = Field(None, max_length=48, description="the kiosk (a kiosk: itself)")
SESSION = Field(None, pattern=r"^[0-9a-f]{32}$", max_length=32, description=(
    "a staff login's session (staff-login); ops need none"))


class StaffLogin(Body):
    kiosk: str | None = KIOSK
    clerk: str = Field(pattern=r"^[0-9A-Za-z]{1,16}$", max_length=16)
    pin: str | None = Field(None, pattern=r"^[0-9]{4,6}$", max_length=6)


class StaffSession(Body):
    session: str
    clerk: str
    expires_s: int


class Deposit(Body):
    """Staff put a document in: the daemon picks the smallest free compartment that fits."""

    kiosk: str | None = KIOSK
    session: str | None = SESSION
    case_no: str = Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z-]{3,39}$", max_length=40)
    size: Size
    phone: str = Field(pattern=r"^1[3-9][0-9]{9}$", max_length=11, description="where the code is sent")
    id_last4: str | None = Field(None, pattern=r"^[0-9]{3}[0-9X]$", max_length=4, description=(
        "the applicant's ID number's last 4 characters, asked at pickup where [locker] id_last4"))


class DropOff(Body):
    """A citizen leaves papers after hours: a free compartment opens."""

    kiosk: str | None = KIOSK
    size: Size = Field("S", description="the least it needs: the smallest free one that fits opens")


class Opening(Body):
    """The door is being opened: its outcome comes as events addressed to the asker."""

    op_id: str
    locker: str
    number: int
    close_within_s: int


class Pickup(Body):
    kiosk: str | None = KIOSK
    code: str = Field(pattern=r"^[0-9]{6,10}$", max_length=10)
    id_last4: str | None = Field(None, pattern=r"^[0-9]{3}[0-9X]$", max_length=4)


class PickupAnswer(Body):
    """Not a refusal when the code is wrong: the try must be counted, and a refusal changes
    nothing."""

    outcome: Literal["opening", "wrong", "locked", "expired", "unavailable"]
    op_id: str | None = None
    locker: str | None = None
    number: int | None = None
    tries_left: int = 0
    locked_s: float = 0.0


class StaffOpen(Body):
    """A staff action on one compartment: take out a drop-off or an overdue item (collect),
    or open it whatever it holds (override: a reason is required and audited)."""

    kiosk: str | None = KIOSK
    session: str | None = SESSION
    locker: str = Field(max_length=48)
    number: int = Field(ge=1, le=999)
    reason: str | None = Field(None, min_length=2, max_length=200)


class Clear(Body):
    kiosk: str | None = KIOSK
    session: str | None = SESSION
    locker: str = Field(max_length=48)
    number: int = Field(ge=1, le=999)


class Cleared(Body):
    cleared: bool


class AuditAsk(Body):
    limit: int = Field(50, ge=1, le=500)


class AuditLine(Body):
    at: float
    who: str
    kiosk: str | None
    locker: str
    number: int
    why: str
    outcome: str


class AuditLines(Body):
    lines: list[AuditLine]


class DoorEvent(Body):
    """An operation's door: opened, or not (stuck, board offline)."""

    op_id: str
    kind: str
    outcome: Literal["opened", "not_opened", "offline"]
    locker: str
    number: int


class DoneEvent(Body):
    op_id: str
    kind: str
    outcome: Literal["deposited", "collected", "dropped", "retrieved", "opened", "not_closed",
                     "not_opened"]
    locker: str
    number: int
    receipt: str | None = Field(None, description="a drop-off's receipt number")


class Receipt(Body):
    """A drop-off's receipt, for the printer of the kiosk it was made at (no personal data)."""

    receipt: str
    kiosk: str = Field(description="the kiosk the papers were dropped off at")
    locker: str
    locker_zh: str
    locker_en: str
    number: int
    at: float = Field(description="epoch seconds: when the door was shut on the papers")


class CloseDoor(Body):
    """The door the asker opened is still open: 请关好柜门."""

    op_id: str
    locker: str
    number: int
    open_s: float


class Compartment(Body):
    number: int
    size: Size
    state: Literal["free", "reserved", "occupied", "dropoff", "out_of_service", "offline"]
    door: Literal["open", "shut", "unknown"]
    alarm: str | None = None
    overdue: bool = False


class LockerView(Body):
    id: str
    name_zh: str
    name_en: str
    free: dict[str, int] = Field(description="free compartments by size")
    compartments: list[Compartment]


class Alarm(Body):
    locker: str
    number: int | None = None
    board: str | None = None
    alarm: Literal["left_open", "forced", "stuck", "board_offline", "overdue", "wrong_codes"]
    since: float
    text: str


class PollLine(Payload):
    line: str = Field(description="the RS-485 line (a port or a simulator)")
    boards: int
    round_ms: float | None = Field(None, description="the last full poll of every board on it (no opens)")
    rounds: int = Field(0, description="full polls measured so far")


class LockerState(Payload):
    """Retained at ``hall/<hall>/locker/main/state``."""

    lockers: list[LockerView]
    alarms: list[Alarm]
    lines: list[PollLine] = Field(default_factory=list)
    sms_waiting: int
    ask_id_last4: bool = Field(False, description="a pickup also asks for the ID number's last 4")
    summary: str


AlarmEvent = Alarm

KIOSK_SENDERS = ("kiosk", "ops")
COMMANDS = (
    Command(COMPONENT, "staff-login", StaffLogin, StaffSession, KIOSK_SENDERS,
            "A staff member at a kiosk (clerk number and PIN, as at a window); the session lasts "
            "[locker] staff_session_min at that kiosk only.", own=("kiosk",), personal=True),
    Command(COMPONENT, "deposit", Deposit, Opening, KIOSK_SENDERS,
            "Staff deposit a document: the smallest free compartment that fits opens; when its door "
            "is shut again the deposit is recorded and the pickup code sent by SMS. Refusals: "
            "`staff_only`, `full`, `unavailable` (no board answering).", own=("kiosk",), personal=True),
    Command(COMPONENT, "pickup", Pickup, PickupAnswer, ("kiosk",),
            "A citizen's code (typed or scanned): that compartment opens; shut again, the item is "
            "collected and the code dead. 5 wrong codes lock the kiosk's pickups for 10 min.",
            own=("kiosk",), personal=True),
    Command(COMPONENT, "dropoff", DropOff, Opening, ("kiosk",),
            "A citizen leaves papers: a free compartment opens; shut again, a receipt number is "
            "given. Refusals: `full`, `unavailable` (no board answering).", own=("kiosk",)),
    Command(COMPONENT, "collect", StaffOpen, Opening, KIOSK_SENDERS,
            "Staff take out a drop-off or an overdue item. Refusals: `staff_only`, `nothing_to_collect`.",
            own=("kiosk",), personal=True),  # the staff session is a secret
    Command(COMPONENT, "override", StaffOpen, Opening, KIOSK_SENDERS,
            "Staff open a compartment whatever it holds, with a reason (audited).", own=("kiosk",),
            personal=True),
    Command(COMPONENT, "clear", Clear, Cleared, KIOSK_SENDERS,
            "A technician puts a compartment back in service after an alarm.", own=("kiosk",),
            personal=True),
    Command(COMPONENT, "audit", AuditAsk, AuditLines, ("ops",),
            "The latest opens: who, from where, why, and how it went.", readonly=True),
)
STATES = (StateTopic(COMPONENT, LockerState, "Each locker's compartments, alarms and SMS waiting."),)
EVENTS = (
    EventTopic(COMPONENT, "door", DoorEvent, "An operation's door opened, or did not.",
               readers=("kiosk", "ops"), addressed=True),
    EventTopic(COMPONENT, "done", DoneEvent, "An operation ended (door shut again, or not in time).",
               readers=("kiosk", "ops"), addressed=True),
    EventTopic(COMPONENT, "close-door", CloseDoor, "The door the asker opened is still open.",
               readers=("kiosk", "ops"), addressed=True),
    EventTopic(COMPONENT, "receipt", Receipt, "A drop-off's receipt, printed at the kiosk it was made at.",
               readers=("ops", "daemon")),
    EventTopic(COMPONENT, "alarm", AlarmEvent, "A door left open, forced or stuck, a board offline, "
               "an overdue item, a kiosk locked for wrong codes.", readers=("ops", "daemon", "console")),
)
EXAMPLES = {
    (COMPONENT, "staff-login"): {"clerk": "1001", "pin": "2468"},
    (COMPONENT, "deposit"): {"session": "0" * 32, "case_no": "QH20261120000207", "size": "M",
                             "phone": "13907315678"},
    (COMPONENT, "pickup"): {"code": "482915"},
    (COMPONENT, "dropoff"): {"size": "M"},
    (COMPONENT, "collect"): {"session": "0" * 32, "locker": "l1", "number": 14},
    (COMPONENT, "override"): {"locker": "l1", "number": 7, "reason": "citizen left keys inside"},
    (COMPONENT, "clear"): {"locker": "l1", "number": 7},
    (COMPONENT, "audit"): {"limit": 20},
}
CONTRACT = Contract(COMMANDS, STATES, EVENTS, EXAMPLES)
