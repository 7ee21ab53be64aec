"""Working days, as follow-up deadlines count them: Monday to Friday, less the public
holidays, plus the weekend days worked in lieu (调休) the hall config lists."""

from __future__ import annotations

from datetime import date, timedelta


def is_working(day: date, holidays: set[date], workdays: set[date]) -> bool:
    if day in workdays:
        return True
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: date, n: int, holidays: set[date], workdays: set[date]) -> date:
    """The ``n``-th working day after ``start`` (the day a bad rating came in does not count)."""
    day, left = start, n
    while left:
        day += timedelta(days=1)
        if is_working(day, holidays, workdays):
            left -= 1
    return day
