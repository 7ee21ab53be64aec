import asyncio
from datetime import datetime, timedelta

from hallkit.clock import ManualClock, SystemClock


def test_manual_clock_moves_only_when_told_and_wakes_sleepers(run):
    clock = ManualClock(datetime(2026, 11, 23, 8, 0))
    woke: list[str] = []

    async def sleeper(name, seconds):
        await clock.sleep(seconds)
        woke.append(name)

    async def scenario():
        tasks = [asyncio.create_task(sleeper("hour", 3600)), asyncio.create_task(sleeper("day", 86400))]
        await asyncio.sleep(0)
        clock.advance(timedelta(minutes=59))
        await asyncio.sleep(0)
        assert woke == []
        clock.advance(60)
        await asyncio.sleep(0)
        assert woke == ["hour"]
        clock.advance(timedelta(days=1))
        await asyncio.gather(*tasks)
        assert woke == ["hour", "day"]

    run(scenario())
    assert clock.now() == datetime(2026, 11, 24, 9, 0, tzinfo=clock.tz)


def test_system_clock_is_aware_in_the_hall_zone():
    now = SystemClock("Asia/Shanghai").now()
    assert now.utcoffset() == timedelta(hours=8)
