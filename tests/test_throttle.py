"""Lines about others' doings: so many an interval, the rest counted and said with the next."""

from __future__ import annotations

from hallkit import throttle
from hallkit.throttle import Throttle


def test_held_back_lines_are_counted_into_the_next_one_let_through(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(throttle.time, "monotonic", lambda: now[0])
    t = Throttle(per_interval=2, interval_s=60)
    assert [t.allow() for _ in range(5)] == [0, 0, None, None, None]
    now[0] += 59
    assert t.allow() is None
    now[0] += 1  # a new interval: the four held back are told with its first line
    assert [t.allow(), t.allow(), t.allow()] == [4, 0, None]
    t.reset()
    assert t.allow() == 0  # a reset forgets what was held
