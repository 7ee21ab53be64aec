"""Warnings about other people's input, at most so many a minute (hallkit.throttle)."""

from __future__ import annotations

import logging

from hallkit.throttle import Throttle


class LogBudget:
    def __init__(self, logger: logging.Logger, per_minute: int = 30) -> None:
        self.logger = logger
        self.throttle = Throttle(per_minute)

    def warning(self, msg: str, *args) -> None:
        held = self.throttle.allow()
        if held is None:
            return
        if held:
            self.logger.warning("%d more warnings like these were not logged", held)
        self.logger.warning(msg, *args)
