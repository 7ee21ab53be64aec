"""Business days: numbering, quotas and leftovers roll over at the hall's day start."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo


def business_day(at: datetime, day_start: time) -> date:
    """The day a moment belongs to: before ``day_start`` it is still yesterday."""
    return (at - timedelta(hours=day_start.hour, minutes=day_start.minute)).date()


def day_bounds(day: date, day_start: time, tz: tzinfo) -> tuple[float, float]:
    start = datetime.combine(day, day_start, tz)
    return start.timestamp(), (start + timedelta(days=1)).timestamp()


def at_time(day: date, t: time, day_start: time, tz: tzinfo) -> float:
    """Epoch seconds of wall time ``t`` within business ``day`` (e.g. its noon)."""
    moment = datetime.combine(day, t, tz)
    if t < day_start:  # after midnight, before the day starts: the next calendar date
        moment += timedelta(days=1)
    return moment.timestamp()
