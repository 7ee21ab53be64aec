"""The shapes a daemon's contract module fills in: commands, retained states, events."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict

# Who may send a command. "daemon" is any hallkit daemon; "ops" is hallctl and
# technicians' tools; the others are the MQTT clients the hall config lists
# (apps by their kind, devices that speak MQTT by theirs).
ROLES = ("daemon", "ops", "kiosk", "hall_board", "console", "rating", "window_display")
EVERYONE = ROLES
CLERK = ("console", "ops", "daemon")  # soft consoles, hallctl, and the keypad daemon


class Body(BaseModel):
    """Base of every command's arguments and answer: unknown keys, NaN and infinities are
    refused. Every string a sender fills in has a maximum length (a test walks them all)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


@dataclass(frozen=True)
class Command:
    component: str  # daemon name
    action: str
    request: type[BaseModel]
    reply: type[BaseModel]
    senders: tuple[str, ...]
    summary: str
    readonly: bool = False  # a query: answered, never stored for replay
    # Request fields that a kiosk or console may only fill with its own kiosk or window
    # (left out, they are filled in); ops and daemons may name any.
    own: tuple[str, ...] = ()
    # Carries personal data or a secret (ID or phone numbers, a PIN, a ticket's secret):
    # only the daemon it is addressed to may read the topic.
    personal: bool = False


@dataclass(frozen=True)
class StateTopic:
    component: str  # who publishes it
    payload: type[BaseModel]
    summary: str
    topic: str = ""  # when not the component's own …/main/state


@dataclass(frozen=True)
class EventTopic:
    component: str
    name: str
    payload: type[BaseModel]
    summary: str
    readers: tuple[str, ...] = EVERYONE  # roles the ACL lets subscribe
    # To one client only (personal data): published at …/event/<name>/<username>, which
    # the ACL lets that user alone read; ``readers`` then names the role it goes to.
    addressed: bool = False


@dataclass(frozen=True)
class Contract:
    """Everything a component says on the bus, for docs/bus.md, the ACL and the dispatcher."""

    commands: tuple[Command, ...] = ()
    states: tuple[StateTopic, ...] = ()
    events: tuple[EventTopic, ...] = ()
    examples: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
