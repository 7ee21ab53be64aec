"""Warnings about other people's input, at most so many a minute: a flood of bad
commands must not fill the disk with log lines or drown the first useful one."""

from __future__ import annotations

import logging
import time


class LogBudget:
    def __init__(self, logger: logging.Logger, per_minute: int = 30) -> None:
        self.logger = logger
        self.per_minute = per_minute
        self.started = time.monotonic()
        self.lines = 0
        self.suppressed = 0

    def warning(self, msg: str, *args) -> None:
        now = time.monotonic()
        if now - self.started >= 60:
            if self.suppressed:
                self.logger.warning("%d more warnings like these in the last minute, not logged",
                                    self.suppressed)
            self.started, self.lines, self.suppressed = now, 0, 0
        if self.lines < self.per_minute:
            self.lines += 1
            self.logger.warning(msg, *args)
        else:
            self.suppressed += 1
