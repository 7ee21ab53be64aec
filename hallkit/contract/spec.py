"""The shapes a daemon's contract module fills in: commands, retained states, events."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

# Who may send a command. "daemon" is any hallkit daemon; "ops" is hallctl and
# technicians' tools; the others are the MQTT clients the hall config lists
# (apps by their kind, devices that speak MQTT by theirs).
ROLES = ("daemon", "ops", "kiosk", "hall_board", "console", "rating", "window_display")
EVERYONE = ROLES
CLERK = ("console", "ops", "daemon")  # soft consoles, hallctl, and the keypad daemon


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


@dataclass(frozen=True)
class Contract:
    """Everything a component says on the bus, for docs/bus.md, the ACL and the dispatcher."""

    commands: tuple[Command, ...] = ()
    states: tuple[StateTopic, ...] = ()
    events: tuple[EventTopic, ...] = ()
    examples: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
