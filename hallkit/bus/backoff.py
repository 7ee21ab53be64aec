"""When to try the broker again, and how much to say about it.

Every failed attempt and every session that ends soon after it began doubles the
wait (0.5 s up to 10 s, ±20 % jitter so a hall's clients do not return in step);
a session that lasted counts as healthy and the next attempt is immediate. A
refusal is logged once, then summarised once a minute (hallkit.throttle), so a
wrong password cannot fill the log.
"""

from __future__ import annotations

import logging
import random
import time

from hallkit.throttle import Throttle

log = logging.getLogger("hallkit.bus.client")


class Backoff:
    MIN_S = 0.5
    MAX_S = 10.0
    STABLE_S = 10.0  # a session this long was a real one

    def __init__(self) -> None:
        self.delay = 0.0
        self._since: float | None = None  # when the current session began

    def wait(self) -> float:
        """Seconds to wait before the next attempt (0: go now)."""
        return self.delay * random.uniform(0.8, 1.2) if self.delay else 0.0

    def failed(self) -> None:
        self.delay = min(self.MAX_S, max(self.MIN_S, self.delay * 2))

    def connected(self) -> None:
        self._since = time.monotonic()

    def ended(self) -> None:
        """A session ended: go again at once after a long one, back off after a short one."""
        lasted = time.monotonic() - self._since if self._since is not None else 0.0
        self._since = None
        if lasted >= self.STABLE_S:
            self.delay = 0.0
        else:
            self.failed()


class FailureLog:
    """The first failure in full, then a line a minute with how many followed."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.throttle = Throttle()
        self.failing = False

    def failure(self, what: str) -> None:
        held = self.throttle.allow()
        if held is None:
            return
        if not self.failing:
            log.error("broker %s: %s; retrying with backoff", self.where, what)
        else:
            log.error("broker %s: %d more failed attempts; latest: %s", self.where, held + 1, what)
        self.failing = True

    def recovered(self) -> None:
        if self.failing:
            log.warning("broker %s: connected again", self.where)
        self.failing = False
        self.throttle.reset()
