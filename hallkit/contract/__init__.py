"""The bus contract: every topic, its payload model, who publishes and who may send.

``docs/bus.md`` is generated from this registry (``hallctl docs bus``) and the
broker ACL is generated from it together with the hall config.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from hallkit.contract import hall
from hallkit.contract.envelope import Availability, Event, Reply, Request, Status

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


@dataclass(frozen=True)
class StateTopic:
    component: str
    payload: type[BaseModel]
    summary: str


@dataclass(frozen=True)
class EventTopic:
    component: str
    name: str
    payload: type[BaseModel]
    summary: str


EVERYONE = ROLES

COMMANDS: tuple[Command, ...] = (
    Command("hall", "ping", hall.Ping, hall.Pong, EVERYONE,
            "Answer at once; health checks and the bus benchmark use it."),
    Command("hall", "notice-add", hall.NoticeAdd, hall.NoticeAdded, ("ops", "daemon"),
            "Add a notice to the hall board (公告)."),
    Command("hall", "notice-remove", hall.NoticeRemove, hall.NoticeRemoved, ("ops", "daemon"),
            "Take a notice down."),
)

STATES: tuple[StateTopic, ...] = (
    StateTopic("hall", hall.HallState, "The hall's services, windows and notices, for UIs."),
)

EVENTS: tuple[EventTopic, ...] = ()

# The daemons that exist, in start order.
DAEMONS: tuple[str, ...] = ("hall",)

# Which daemon drives each kind of wired device and publishes its topics
# (hall/<hall>/<kind>/<device-id>/…). Filled in as those daemons land.
DEVICE_OWNERS: dict[str, str] = {}

# Config device kinds that are MQTT clients of their own, with their sender role.
CLIENT_ROLES: dict[str, str] = {
    "kiosk": "kiosk", "hall_board": "hall_board", "console": "console",
    "rating": "rating", "window_display": "window_display",
}

ENVELOPES = {"status": Status, "availability": Availability, "request": Request,
             "reply": Reply, "event": Event}


def command(component: str, action: str) -> Command | None:
    return next((c for c in COMMANDS if c.component == component and c.action == action), None)
