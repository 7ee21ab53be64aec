"""The bus contract: every topic, its payload model, who publishes and who may send.

``docs/bus.md`` is generated from this registry (``hallctl docs bus``) and the
broker ACL is generated from it together with the hall config.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from hallkit.contract import hall, printer, queue

# Who may send a command. "daemon" is any hallkit daemon; "ops" is hallctl and
# technicians' tools; the others are the MQTT clients the hall config lists.
ROLES = ("daemon", "ops", "kiosk", "hall_board", "console", "rating", "window_display")


@dataclass(frozen=True)
class Command:
    component: str  # daemon name
    action: str
    request: type[BaseModel]
    reply: type[BaseModel]
    senders: tuple[str, ...]
    summary: str
    readonly: bool = False  # a query: answered, never stored for replay


@dataclass(frozen=True)
class StateTopic:
    component: str  # the daemon that publishes it
    payload: type[BaseModel]
    summary: str
    topic: str = ""  # when not the daemon's own …/main/state


@dataclass(frozen=True)
class EventTopic:
    component: str
    name: str
    payload: type[BaseModel]
    summary: str


EVERYONE = ROLES
CLERK = ("console", "ops", "daemon")  # soft consoles, hallctl, and the keypad daemon

COMMANDS: tuple[Command, ...] = (
    Command("hall", "ping", hall.Ping, hall.Pong, EVERYONE,
            "Answer at once; health checks and the bus benchmark use it."),
    Command("hall", "notice-add", hall.NoticeAdd, hall.NoticeAdded, ("ops", "daemon"),
            "Add a notice to the hall board (公告)."),
    Command("hall", "notice-remove", hall.NoticeRemove, hall.NoticeRemoved, ("ops", "daemon"),
            "Take a notice down."),
    *(Command("queue", action, req, rep, senders, summary) for action, req, rep, senders, summary in (
        ("issue", queue.Issue, queue.TicketIssued, ("kiosk", "console", "ops"),
         "Take a ticket. Refusals: `closed`, `sold_out`, `duplicate` (one open ticket per ID "
         "number, service and day), `unknown_service`."),
        ("check-in", queue.CheckIn, queue.TicketIssued, ("kiosk", "console", "ops"),
         "Check in with an appointment code within its window (default 30 min before to 15 min "
         "after the slot); the ticket goes to the priority lane. Refusals: `not_found`, "
         "`too_early`, `too_late`, `duplicate`."),
        ("appointment-add", queue.AppointmentAdd, queue.Booked, ("ops", "daemon"),
         "Register an appointment (from the booking platform)."),
        ("call-next", queue.WindowRef, queue.Called, CLERK,
         "Call the next ticket for the window; ends the ticket it was serving. Refusals: "
         "`no_ticket` (nobody waiting), `not_logged_in`, `paused`."),
        ("call-number", queue.CallNumber, queue.Called, CLERK,
         "Call a given waiting or passed (过号) ticket of a service the window serves."),
        ("recall", queue.WindowRef, queue.Called, CLERK,
         "Call the current ticket again (`recall_limit` after max_recalls)."),
        ("no-show", queue.WindowRef, queue.NoShowDone, CLERK,
         "过号: the citizen did not come; dropped or requeued by the service's rule."),
        ("transfer", queue.Transfer, queue.Transferred, CLERK,
         "Send the current ticket to another service or window; it keeps its take time."),
        ("hold", queue.WindowRef, queue.TicketAtWindow, CLERK,
         "挂起: park the current ticket at this window (citizen fetching a paper)."),
        ("resume", queue.Resume, queue.Called, CLERK, "Serve a held ticket again."),
        ("end", queue.WindowRef, queue.Ended, CLERK, "Service done; starts the rating."),
        ("pause", queue.Pause, queue.WindowStatus, CLERK,
         "Pause or resume the window (toggles when `paused` is omitted)."),
        ("login", queue.Login, queue.WindowStatus, CLERK,
         "Clerk login; logs the clerk out of any other window."),
        ("logout", queue.WindowRef, queue.WindowStatus, CLERK, "Clerk logout; the window closes."),
        ("cancel", queue.TicketRef, queue.Cancelled, ("kiosk", "console", "ops"),
         "Cancel a waiting or held ticket."),
    )),
    Command("queue", "ticket", queue.TicketRef, queue.TicketStatus, EVERYONE,
            "A ticket's status (for its QR code and the kiosk).", readonly=True),
    Command("printer", "test", printer.TestPrint, printer.JobQueued, ("ops", "console"),
            "Print a test page on a printer (or a kiosk's printer); the `printed` or `failed` "
            "event tells how it went. Refusals: `unknown_printer`, `unknown_kiosk`, `no_printer`."),
    Command("queue", "window-next", queue.WindowNext, queue.WindowQueue, ("console", "ops", "daemon"),
            "The next tickets a window would call, for the clerk console.", readonly=True),
)

STATES: tuple[StateTopic, ...] = (
    StateTopic("hall", hall.HallState, "The hall's services, windows and notices, for UIs."),
    StateTopic("queue", queue.QueueState, "Waiting counts, quota left and estimated wait per service."),
    StateTopic("queue", queue.WindowState, "What a window is doing: closed, idle, serving (which "
               "ticket), paused; its held tickets and how many it could call.",
               "hall/<hall>/window/<number>/state"),
    StateTopic("printer", printer.PrinterState, "A ticket printer's condition (ok, paper_near_end, "
               "paper_out, cover_open, offline, unreachable) and jobs waiting; its availability is "
               "offline while it does not answer.", "hall/<hall>/printer/<device-id>/state"),
)

EVENTS: tuple[EventTopic, ...] = (
    EventTopic("queue", "issued", queue.IssuedEvent, "A ticket was taken (the printer prints it)."),
    EventTopic("queue", "called", queue.CalledEvent,
               "A ticket is called to a window: displays, the hall board and voice react to it."),
    EventTopic("queue", "ended", queue.EndedEvent, "Service ended at a window (rating starts)."),
    EventTopic("queue", "no-show", queue.TicketEvent, "过号: `detail` is requeued or dropped."),
    EventTopic("queue", "transferred", queue.TicketEvent, "`detail` names the new service or window."),
    EventTopic("printer", "printed", printer.JobEvent, "A ticket (or test page) came out of the printer."),
    EventTopic("printer", "failed", printer.JobEvent,
               "A job could not be printed (`not_printed`: the kiosk shows the number instead; it is "
               "still printed if the printer recovers before `retry_until`), or was dropped "
               "(`expired`). Published the moment the printer is found unable."),
)

# The daemons that exist, in start order.
DAEMONS: tuple[str, ...] = ("hall", "queue", "keypad", "display", "printer")

# Topic components published by a daemon besides its own: device kinds it drives
# (hall/<hall>/<kind>/<device-id>/…) and entities it owns (windows).
TOPIC_OWNERS: dict[str, str] = {"window": "queue", "keypad": "keypad",
                                 "window_display": "display", "printer": "printer"}

# Config device kinds that are MQTT clients of their own, with their sender role.
CLIENT_ROLES: dict[str, str] = {
    "kiosk": "kiosk", "hall_board": "hall_board", "console": "console",
    "rating": "rating", "window_display": "window_display",
}


# One example request per command, for docs/bus.md (tests check each against its model).
EXAMPLES: dict[tuple[str, str], dict] = {
    ("hall", "ping"): {},
    ("hall", "notice-add"): {"text_zh": "今日下午14:00-15:00系统升级，暂停办理不动产登记",
                             "text_en": "Real estate registration paused 14:00-15:00 today",
                             "until": 1795413600.0},
    ("hall", "notice-remove"): {"notice_id": 3},
    ("queue", "issue"): {"service": "BDC", "kiosk": "kiosk-1", "priority_class": "elderly"},
    ("queue", "check-in"): {"code": "YY20261123A17", "kiosk": "kiosk-2"},
    ("queue", "appointment-add"): {"code": "YY20261123A17", "service": "SB", "start": 1795395600.0},
    ("queue", "call-next"): {"window": 3},
    ("queue", "call-number"): {"window": 3, "number": "A012"},
    ("queue", "recall"): {"window": 3},
    ("queue", "no-show"): {"window": 3},
    ("queue", "transfer"): {"window": 3, "to_service": "ZX"},
    ("queue", "hold"): {"window": 3},
    ("queue", "resume"): {"window": 3, "number": "A012"},
    ("queue", "end"): {"window": 3},
    ("queue", "pause"): {"window": 3, "paused": True},
    ("queue", "login"): {"window": 3, "clerk": "1001"},
    ("queue", "logout"): {"window": 3},
    ("queue", "cancel"): {"ticket_id": "9f3c2a7d41b0e865"},
    ("queue", "ticket"): {"number": "A012"},
    ("queue", "window-next"): {"window": 3, "limit": 5},
    ("printer", "test"): {"kiosk": "kiosk-1"},
}


_BY_NAME = {(c.component, c.action): c for c in COMMANDS}


def command(component: str, action: str) -> Command | None:
    return _BY_NAME.get((component, action))
