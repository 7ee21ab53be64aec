"""Opening hours: is the hall serving at a given moment."""

from __future__ import annotations

from datetime import datetime, time

from hallkit.config.model import OpeningHours

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def hours_on(hours: OpeningHours, at: datetime) -> list:
    """The (start, end) ranges of ``at``'s weekday."""
    return getattr(hours, WEEKDAYS[at.weekday()])


def is_open(hours: OpeningHours, at: datetime) -> bool:
    now = at.timetz().replace(tzinfo=None)
    return any(start <= now < end for start, end in hours_on(hours, at))


def range_text(start: time, end: time) -> str:
    """``08:30-12:00``; a day's end (stored as the last moment of the day) as 24:00."""
    return f"{start:%H:%M}-{'24:00' if end == time.max else format(end, '%H:%M')}"
