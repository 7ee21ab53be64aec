"""Payloads dropped by a client (not fitting their model, or over the bus limit): logged
once a minute per subscription, with how many, so a flood of junk cannot fill the log."""

from __future__ import annotations

import logging

from pydantic import ValidationError

from hallkit.contract.envelope import MAX_PAYLOAD
from hallkit.throttle import Throttle

log = logging.getLogger("hallkit.bus.client")


class DropLog:
    """Payloads dropped on one subscription: a line a minute, with how many."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.throttle = Throttle()

    def note(self, topic: str, exc: ValidationError) -> None:
        held = self.throttle.allow()
        if held is not None:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"]) or "(payload)"
            log.warning("dropped %d payload(s) on %s that do not fit their model; latest on %s: "
                        "%s: %s", held + 1, self.pattern, topic, where, err["msg"])

    def note_size(self, topic: str, size: int) -> None:
        held = self.throttle.allow()
        if held is not None:
            log.warning("dropped %d payload(s) over the bus limit of %d bytes; latest %d bytes on %s",
                        held + 1, MAX_PAYLOAD, size, topic)
