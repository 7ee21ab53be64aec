"""Payloads dropped by a client (not fitting their model, or over the bus limit): logged
once a minute per subscription, with how many, so a flood of junk cannot fill the log."""

from __future__ import annotations

import logging
import time

from pydantic import ValidationError

from hallkit.contract.envelope import MAX_PAYLOAD

log = logging.getLogger("hallkit.bus.client")


class DropLog:
    """Rate-limited logging of payloads dropped on one subscription: once a minute, with a count."""

    EVERY_S = 60.0

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.count = 0
        self.logged_at: float | None = None

    def _due(self) -> bool:
        self.count += 1
        now = time.monotonic()
        if self.logged_at is not None and now - self.logged_at < self.EVERY_S:
            return False
        self.logged_at = now
        return True

    def note(self, topic: str, exc: ValidationError) -> None:
        if self._due():
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"]) or "(payload)"
            log.warning("dropped %d payload(s) on %s that do not fit their model; latest on %s: "
                        "%s: %s", self.count, self.pattern, topic, where, err["msg"])
            self.count = 0

    def note_size(self, topic: str, size: int) -> None:
        if self._due():
            log.warning("dropped %d payload(s) over the bus limit of %d bytes; latest %d bytes on %s",
                        self.count, MAX_PAYLOAD, size, topic)
            self.count = 0
