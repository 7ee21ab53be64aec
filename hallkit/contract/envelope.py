"""Payloads every component shares: status, availability, requests and replies.

Every payload is JSON with a schema version ``v``. Commands carry a request id
(``id``) chosen by the sender; the owner answers on the reply topic with the same
id, and a repeated id (same sender, same action and data) gets the stored answer,
never a second effect. Who sent a command is in its topic, not in its payload.
"""

from __future__ import annotations

import os
import time
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T", bound=BaseModel)

# The largest payload anyone may publish: the broker drops bigger ones (message_size_limit)
# and every hallkit client drops them unread. Generous for the largest retained state.
MAX_PAYLOAD = 64 * 1024


class Payload(BaseModel):
    """Base of every bus payload: unknown keys are an error, ``v`` is the schema version."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    v: Literal[1] = 1


class Status(Payload):
    """Retained at ``…/status``; the last will sets ``offline``."""

    state: Literal["online", "offline"]
    ts: float = Field(description="when this was published, epoch seconds")
    since: float | None = Field(None, description="when the component came online")
    version: str | None = None
    pid: int | None = None

    @classmethod
    def now(cls, state: Literal["online", "offline"], **more) -> Status:
        """This process's status at this moment (its pid; ``more``: since, version, ts)."""
        ts = more.pop("ts") if "ts" in more else time.time()
        return cls(state=state, ts=ts, pid=os.getpid(), **more)


class Availability(Payload):
    """Retained at ``…/availability`` for a device, published by the daemon driving it."""

    state: Literal["online", "offline"]
    ts: float
    reason: str | None = Field(None, description="why offline, e.g. 'no reply from address 3'")


class Request(Payload):
    """Published (QoS 1, never retained) at ``…/cmd/<action>/<sender's username>``."""

    id: str = Field(min_length=1, max_length=64, description=(
        "request id; repeat it to retry safely. Any unique string; ids that sort by time (hallkit's "
        "clients send epoch milliseconds in hex, then random hex) are the cheapest to store"))
    ts: float = Field(description="when the sender made the request, epoch seconds")
    expires: float | None = Field(None, description="do not act after this time (epoch seconds)")
    data: dict[str, Any] = Field(default_factory=dict, description="the action's arguments")


class ErrorBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(description=(
        "machine-readable, e.g. 'bad_request', 'expired', 'forbidden', 'id_reused', 'sold_out'"))
    message: str = Field(description="a sentence for a person, Chinese or English")
    field: str | None = Field(None, description="which input was wrong, e.g. 'data.service'")


class Reply(Payload):
    """Published (QoS 0) at ``…/reply/<action>/<user>`` with the request's id: a lost reply
    costs nothing, the sender retries with the same id and gets the stored one."""

    id: str
    status: Literal["ok", "error"]
    ts: float
    data: dict[str, Any] | None = None
    error: ErrorBody | None = None


class Event(Payload):
    """Published (QoS 1, not retained) at ``…/event/<name>``."""

    ts: float
    data: dict[str, Any] = Field(default_factory=dict)


class EventOf(Payload, Generic[T]):
    """An event as a receiver reads it: the envelope with its data typed by the event's model."""

    ts: float
    data: T


def event_json(data: BaseModel, ts: float) -> bytes:
    """The one way events are built: the envelope around an already valid data model."""
    return f'{{"v":1,"ts":{ts!r},"data":{data.model_dump_json()}}}'.encode()
