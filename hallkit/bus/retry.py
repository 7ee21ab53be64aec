"""A request retried under its own id when no answer comes: the daemon does it at most once
(it keeps the answer by id) and repeats the answer to a retry."""

from __future__ import annotations

from hallkit.bus.client import BusClient, BusTimeout
from hallkit.contract.envelope import Reply
from hallkit.ids import ordered_id


async def request_retrying(bus: BusClient, topic: str, data: dict, *, tries: int = 3,
                           timeout: float = 10.0) -> Reply:
    rid = ordered_id(bus.clock.time())
    for attempt in range(tries):
        try:
            return await bus.request(topic, data, timeout=timeout, request_id=rid)
        except BusTimeout:
            if attempt == tries - 1:
                raise
    raise AssertionError("unreachable")
