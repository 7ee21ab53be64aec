"""How often a line about other people's doings may be logged: a flood of junk, a wrong
password retried for hours or a stream of bad commands must not fill the disk or
drown the first useful line. One rule for all of them: so many lines an interval,
and a count of what was held back, said with the next line that is let through."""

from __future__ import annotations

import time


class Throttle:
    def __init__(self, per_interval: int = 1, interval_s: float = 60.0) -> None:
        self.per_interval = per_interval
        self.interval_s = interval_s
        self.started: float | None = None
        self.lines = 0
        self.held = 0

    def allow(self) -> int | None:
        """None: hold this line back. Otherwise log it, after saying how many were held
        back since the last line let through (the returned count)."""
        now = time.monotonic()
        if self.started is None or now - self.started >= self.interval_s:
            self.started, self.lines = now, 0
        if self.lines >= self.per_interval:
            self.held += 1
            return None
        self.lines += 1
        held, self.held = self.held, 0
        return held

    def reset(self) -> None:
        self.started, self.lines, self.held = None, 0, 0
