"""The queue daemon: tickets, windows, calls.

Personal data sent with ``issue`` (ID or phone number) is hashed and masked by
the daemon on arrival; nothing it publishes carries more than the masked form.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from hallkit.config.model import DEVICE_ID_PATTERN as DEVICE
from hallkit.config.model import PriorityClass
from hallkit.contract.envelope import Payload
from hallkit.contract.spec import CLERK, EVERYONE, Body, Command, Contract, EventTopic, StateTopic
from hallkit.idnumbers import valid_id_number

TicketState = Literal["waiting", "called", "held", "done", "no_show", "cancelled", "expired"]
WindowMode = Literal["closed", "idle", "serving", "paused"]

def check_id_number(value: str) -> str:
    """A resident ID number (GB 11643): 18 characters with a valid check digit."""
    v = value.strip().upper()
    if len(v) != 18 or not v[:17].isdigit() or v[17] not in "0123456789X":
        raise ValueError("an ID number has 17 digits and a check digit (0-9 or X)")
    if not valid_id_number(v):
        raise ValueError("the ID number's check digit is wrong; please check the number")
    return v


def _exactly_one(model: BaseModel, a: str, b: str) -> None:
    if (getattr(model, a) is None) == (getattr(model, b) is None):
        raise ValueError(f"give exactly one of {a} and {b}")


TICKET_NUMBER = r"^[A-Z]{1,2}\d{2,5}$"


class WindowRef(Body):
    window: int = Field(ge=1, le=999)


# -- requests ------------------------------------------------------------------
class Issue(Body):
    service: str = Field(max_length=16, description="service code, e.g. 'BDC'")
    kiosk: str | None = Field(None, max_length=48, pattern=DEVICE, description=(
        "device id of the kiosk that prints the ticket; a kiosk may name only itself and is "
        "filled in when it leaves this out"))
    priority_class: PriorityClass | None = None
    id_number: str | None = Field(None, max_length=18,
                                  description="resident ID; only its hash and mask are kept")
    phone: str | None = Field(None, max_length=11,
                              description="mobile number; only its hash and mask are kept")

    _id = field_validator("id_number")(lambda cls, v: v and check_id_number(v))

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: str | None) -> str | None:
        if v is not None and not (len(v) == 11 and v.isdigit() and v[0] == "1" and v[1] in "3456789"):
            raise ValueError("a mobile number has 11 digits and starts with 13…19")
        return v


class CheckIn(Body):
    code: str | None = Field(None, min_length=4, max_length=32, description="appointment code (预约码)")
    id_number: str | None = Field(None, max_length=18, description=(
        "instead of the code: the ID number the appointment was booked with (today's nearest)"))
    kiosk: str | None = Field(None, max_length=48, pattern=DEVICE, description="as for issue")

    _id = field_validator("id_number")(lambda cls, v: v and check_id_number(v))

    @model_validator(mode="after")
    def _one_way(self) -> CheckIn:
        if (self.code is None) == (self.id_number is None):
            raise ValueError("give the appointment code or the ID number, one of them")
        return self


class AppointmentAdd(Body):
    code: str = Field(min_length=4, max_length=32, pattern=r"^[0-9A-Za-z-]+$")
    service: str = Field(max_length=16)
    start: float = Field(description="slot start, epoch seconds")
    id_number: str | None = Field(None, max_length=18)
    phone: str | None = Field(None, max_length=11)

    _id = field_validator("id_number")(lambda cls, v: v and check_id_number(v))


class CallNumber(WindowRef):
    number: str = Field(pattern=TICKET_NUMBER, max_length=7, description="e.g. 'A012'")


class Transfer(WindowRef):
    to_service: str | None = Field(None, max_length=16)
    to_window: int | None = Field(None, ge=1, le=999)

    @model_validator(mode="after")
    def _one_target(self) -> Transfer:
        _exactly_one(self, "to_service", "to_window")
        return self


class Resume(WindowRef):
    number: str = Field(pattern=TICKET_NUMBER, max_length=7)


class Pause(WindowRef):
    paused: bool | None = Field(None, description="omit to toggle")


class Login(WindowRef):
    clerk: str = Field(pattern=r"^[0-9A-Za-z]{1,16}$", max_length=16)
    pin: str | None = Field(None, pattern=r"^[0-9]{4,6}$", max_length=6, description=(
        "the clerk's PIN; needed wherever the hall lists [[clerks]] (each has one)"))


class TicketRef(Body):
    ticket_id: str | None = Field(None, max_length=32, description="the id in the ticket's QR code")
    number: str | None = Field(None, pattern=TICKET_NUMBER, max_length=7,
                               description="today's number")
    secret: str | None = Field(None, pattern=r"^[0-9a-f]{12}$", max_length=12, description=(
        "the ticket's secret from its QR code: a kiosk cancels only with ticket_id and secret"))

    @model_validator(mode="after")
    def _one(self) -> TicketRef:
        _exactly_one(self, "ticket_id", "number")
        return self


class WindowNext(WindowRef):
    limit: int = Field(5, ge=1, le=50)


# -- replies -------------------------------------------------------------------
class TicketIssued(Body):
    ticket_id: str
    secret: str = Field(description=(
        "goes into the QR code and nowhere else: it lets the holder cancel at a kiosk"))
    number: str
    service: str
    service_name_zh: str
    service_name_en: str
    day: str
    taken_at: float
    ahead: int = Field(description="people waiting before this ticket")
    est_wait_s: float | None = Field(None, description="estimated wait; null when no window is open")
    priority_class: PriorityClass | None = None
    appointment: bool = False
    id_masked: str | None = None
    phone_masked: str | None = None


class Called(Body):
    ticket_id: str
    number: str
    service: str
    window: int
    recall: int = Field(0, description="0 for the first call, then 1, 2, …")
    ended: str | None = Field(None, description="the ticket this call ended at the window, if any")


class NoShowDone(Body):
    ticket_id: str
    number: str
    outcome: Literal["requeued", "dropped"]


class Transferred(Body):
    ticket_id: str
    number: str
    service: str
    target_window: int | None = None


class TicketAtWindow(Body):
    ticket_id: str
    number: str


class Ended(TicketAtWindow):
    served_s: float


class WindowStatus(Body):
    window: int
    state: WindowMode
    clerk: str | None = None


class TicketStatus(Body):
    ticket_id: str
    number: str
    service: str
    state: TicketState
    day: str
    taken_at: float
    ahead: int | None = Field(None, description="while waiting: people before it")
    est_wait_s: float | None = None
    window: int | None = Field(None, description="while called or held: where")


class NextTicket(Body):
    number: str
    service: str
    waited_s: float
    priority: bool
    appointment: bool


class WindowQueue(Body):
    window: int
    waiting: int
    tickets: list[NextTicket]


class Cancelled(TicketAtWindow):
    pass


class Booked(Body):
    code: str


# -- retained state and events ------------------------------------------------------
class ServiceQueue(Body):
    code: str
    waiting: int
    priority_waiting: int
    issued: int
    quota_left: int | None = Field(None, description="null: no quota")
    est_wait_s: float | None = Field(None, description="for a ticket taken now")
    windows_open: int


class QueueState(Payload):
    """Retained at ``hall/<hall>/queue/main/state``."""

    day: str
    services: list[ServiceQueue]
    waiting_by_window: dict[str, int] = Field(
        description="per window number: tickets it could call now (its services, plus tickets "
                    "transferred to it); for keypad LEDs and consoles")


class CurrentTicket(Body):
    ticket_id: str
    number: str
    service: str
    called_at: float
    recall: int


class WindowState(Payload):
    """Retained at ``hall/<hall>/window/<number>/state``, published by the queue daemon."""

    window: int
    state: WindowMode
    clerk: str | None = None
    clerk_name: str | None = None
    ticket: CurrentTicket | None = None
    held: list[str] = Field(default_factory=list)


class CalledEvent(Body):
    ticket_id: str
    number: str
    service: str
    window: int
    window_label_zh: str
    window_label_en: str
    recall: int


class IssuedEvent(TicketIssued):
    kiosk: str | None = None


class EndedEvent(Body):
    ticket_id: str
    number: str
    service: str
    window: int
    clerk: str | None
    served_s: float
    waited_s: float


class TicketEvent(Body):
    ticket_id: str
    number: str
    service: str
    window: int | None = None
    detail: str | None = None


# -- what the queue daemon says on the bus ------------------------------------------------------
def _cmd(action, request, reply, senders, summary, readonly=False, **rules) -> Command:
    # A console operates only its own window: every request naming a window says so.
    own = ("window",) if issubclass(request, WindowRef) else rules.pop("own", ())
    return Command("queue", action, request, reply, senders, summary, readonly, own=own, **rules)


COMMANDS = (
    _cmd("issue", Issue, TicketIssued, ("kiosk", "console", "ops"),
         "Take a ticket. Refusals: `closed`, `sold_out`, `duplicate` (one open ticket per ID "
         "number, service and day), `unknown_service`, `unknown_kiosk`.",
         own=("kiosk",), personal=True),
    _cmd("check-in", CheckIn, TicketIssued, ("kiosk", "console", "ops"),
         "Check in with an appointment code, or the ID number it was booked with, within its "
         "window (default 30 min before to 15 min after the slot); the ticket goes to the "
         "priority lane. Refusals: `not_found`, `too_early`, `too_late`, `duplicate`.",
         own=("kiosk",), personal=True),
    _cmd("appointment-add", AppointmentAdd, Booked, ("ops", "daemon"),
         "Register an appointment (from the booking platform).", personal=True),
    _cmd("call-next", WindowRef, Called, CLERK,
         "Call the next ticket for the window; ends the ticket it was serving. Refusals: "
         "`no_ticket` (nobody waiting), `not_logged_in`, `paused`."),
    _cmd("call-number", CallNumber, Called, CLERK,
         "Call a given waiting or passed (过号) ticket of a service the window serves."),
    _cmd("recall", WindowRef, Called, CLERK,
         "Call the current ticket again (`recall_limit` after max_recalls)."),
    _cmd("no-show", WindowRef, NoShowDone, CLERK,
         "过号: the citizen did not come; dropped or requeued by the service's rule."),
    _cmd("transfer", Transfer, Transferred, CLERK,
         "Send the current ticket to another service or window; it keeps its take time."),
    _cmd("hold", WindowRef, TicketAtWindow, CLERK,
         "挂起: park the current ticket at this window (citizen fetching a paper)."),
    _cmd("resume", Resume, Called, CLERK, "Serve a held ticket again."),
    _cmd("end", WindowRef, Ended, CLERK, "Service done; starts the rating."),
    _cmd("pause", Pause, WindowStatus, CLERK,
         "Pause or resume the window (toggles when `paused` is omitted)."),
    _cmd("login", Login, WindowStatus, CLERK,
         "Clerk login; logs the clerk out of any other window. Where the hall lists `[[clerks]]` "
         "the clerk must be listed and give their PIN if they have one; a hall without a list "
         "takes any clerk number only when it says `demo = true`. Five wrong PINs lock the "
         "clerk out for 5 minutes; ten failures a minute from one device hold that device "
         "for the minute. Refusals: `forbidden`, `busy`.", personal=True),
    _cmd("logout", WindowRef, WindowStatus, CLERK, "Clerk logout; the window closes."),
    _cmd("cancel", TicketRef, Cancelled, ("kiosk", "console", "ops"),
         "Cancel a waiting or held ticket. A kiosk must give the ticket's `ticket_id` and "
         "`secret` (both in its QR code); consoles and ops may give the number.", personal=True),
    _cmd("reprint", TicketRef, TicketIssued, ("kiosk", "console", "ops"),
         "Print a waiting ticket again, with today's figures, at the kiosk it was taken at (a "
         "slip the printer could not print is never printed later on its own). A kiosk reprints "
         "only its own tickets, by `ticket_id`. Refusals: `wrong_state` (called or ended), "
         "`no_printer` (taken without a kiosk), `not_found`."),
    _cmd("ticket", TicketRef, TicketStatus, EVERYONE,
         "A ticket's status (for its QR code and the kiosk).", readonly=True),
    _cmd("window-next", WindowNext, WindowQueue, ("console", "ops", "daemon"),
         "The next tickets a window would call, for the clerk console.", readonly=True),
)

STATES = (
    StateTopic("queue", QueueState, "Waiting counts, quota left and estimated wait per service."),
    StateTopic("queue", WindowState, "What a window is doing: closed, idle, serving (which "
               "ticket), paused; its held tickets and how many it could call.",
               "hall/<hall>/window/<number>/state"),
)

EVENTS = (
    EventTopic("queue", "issued", IssuedEvent, "A ticket was taken (the printer prints it). "
               "Carries the ticket's secret and masked personal data: daemons only.",
               readers=("daemon",)),
    EventTopic("queue", "reprint", IssuedEvent, "A waiting ticket to print again, with fresh "
               "figures (the printer prints it at `kiosk`). Daemons only, as `issued`.",
               readers=("daemon",)),
    EventTopic("queue", "called", CalledEvent,
               "A ticket is called to a window: displays, the hall board and voice react to it."),
    EventTopic("queue", "ended", EndedEvent, "Service ended at a window (rating starts)."),
    EventTopic("queue", "no-show", TicketEvent, "过号: `detail` is requeued or dropped."),
    EventTopic("queue", "transferred", TicketEvent, "`detail` names the new service or window."),
)

EXAMPLES = {("queue", action): data for action, data in (
    ("issue", {"service": "BDC", "kiosk": "kiosk-1", "priority_class": "elderly"}),
    ("check-in", {"code": "YY20261123A17", "kiosk": "kiosk-2"}),
    ("appointment-add", {"code": "YY20261123A17", "service": "SB", "start": 1795395600.0}),
    ("call-next", {"window": 3}),
    ("call-number", {"window": 3, "number": "A012"}),
    ("recall", {"window": 3}),
    ("no-show", {"window": 3}),
    ("transfer", {"window": 3, "to_service": "ZX"}),
    ("hold", {"window": 3}),
    ("resume", {"window": 3, "number": "A012"}),
    ("end", {"window": 3}),
    ("pause", {"window": 3, "paused": True}),
    ("login", {"window": 3, "clerk": "1001"}),
    ("logout", {"window": 3}),
    ("cancel", {"ticket_id": "9f3c2a7d41b0e865"}),
    ("reprint", {"ticket_id": "9f3c2a7d41b0e865"}),
    ("ticket", {"number": "A012"}),
    ("window-next", {"window": 3, "limit": 5}),
)}

CONTRACT = Contract(COMMANDS, STATES, EVENTS, EXAMPLES)
