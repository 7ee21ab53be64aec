"""Opening hours: is the hall serving at a given moment."""

from __future__ import annotations

from datetime import datetime

from hallkit.config.model import OpeningHours

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def is_open(hours: OpeningHours, at: datetime) -> bool:
    now = at.timetz().replace(tzinfo=None)
    return any(start <= now < end for start, end in getattr(hours, WEEKDAYS[at.weekday()]))
