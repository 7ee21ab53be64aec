"""The one clock every daemon is given.

Daemons never call ``datetime.now()`` or ``time.time()`` themselves: they ask the
clock they were handed, so tests and the day replay can move time (a day, a
week of expiries, a daily reset) without waiting.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from datetime import datetime, timedelta, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    tz: tzinfo

    def time(self) -> float:
        """Seconds since the epoch (wall time)."""

    def now(self) -> datetime:
        """Aware wall time in the hall's time zone."""

    def monotonic(self) -> float:
        """Seconds from an arbitrary start; never goes back."""

    async def sleep(self, seconds: float) -> None:
        """Wait this long in this clock's time."""


class SystemClock:
    """Wall time; what production daemons get."""

    def __init__(self, tz: str | tzinfo = "Asia/Shanghai") -> None:
        self.tz = ZoneInfo(tz) if isinstance(tz, str) else tz

    def time(self) -> float:
        return time.time()

    def now(self) -> datetime:
        return datetime.now(self.tz)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class ManualClock:
    """A clock that only moves when told to; sleepers wake as time passes them."""

    def __init__(self, start: datetime, tz: str | tzinfo = "Asia/Shanghai") -> None:
        self.tz = ZoneInfo(tz) if isinstance(tz, str) else tz
        if start.tzinfo is None:
            start = start.replace(tzinfo=self.tz)
        self._t = start.timestamp()
        self._mono = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def time(self) -> float:
        return self._t

    def now(self) -> datetime:
        return datetime.fromtimestamp(self._t, self.tz)

    def monotonic(self) -> float:
        return self._mono

    async def sleep(self, seconds: float) -> None:
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self._mono + max(0.0, seconds), next(self._seq), fut))
        await fut

    def advance(self, seconds: float | timedelta) -> None:
        """Move time forward and wake every sleeper whose deadline has passed."""
        if isinstance(seconds, timedelta):
            seconds = seconds.total_seconds()
        if seconds < 0:
            raise ValueError("a clock never goes back")
        self._t += seconds
        self._mono += seconds
        while self._sleepers and self._sleepers[0][0] <= self._mono:
            _, _, fut = heapq.heappop(self._sleepers)
            if not fut.done():
                fut.set_result(None)
