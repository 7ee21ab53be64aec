"""The serial transport never blocks the loop, even on a line that takes nothing."""

from __future__ import annotations

import asyncio
import os
import pty
import time

from hallkit.drivers.transport.serial_line import SerialLine


def test_a_line_that_takes_nothing_never_blocks_and_is_reopened(run):
    async def scenario():
        master, slave = pty.openpty()
        states = []
        line = SerialLine(os.ttyname(slave), on_bytes=lambda b: None,
                          on_state=lambda up, why: states.append((up, why)))
        await line.open()
        t0 = time.monotonic()
        results = [line.write(b"\xff\x68" + bytes(98)) for _ in range(2000)]  # nobody reads
        blocked = time.monotonic() - t0
        line.close()
        os.close(master)
        os.close(slave)
        return blocked, results, states

    blocked, results, states = run(scenario())
    assert blocked < 0.5  # 200 KB offered, the pty's buffer full after a few KB
    assert results[0] and not results[-1]
    assert any(not up and why.startswith("stuck") for up, why in states), states


def test_what_the_line_could_not_take_at_once_follows_when_it_can(run):
    async def scenario():
        master, slave = pty.openpty()
        line = SerialLine(os.ttyname(slave), on_bytes=lambda b: None)
        await line.open()
        os.set_blocking(master, False)
        for _ in range(30):  # ~3 KB, more than a pty takes before its reader reads
            assert line.write(bytes(range(100)))
        got = b""
        deadline = time.monotonic() + 3
        while len(got) < 3000 and time.monotonic() < deadline:
            try:
                got += os.read(master, 65536)
            except BlockingIOError:
                await asyncio.sleep(0.01)
        line.close()
        os.close(master)
        os.close(slave)
        return got

    assert run(scenario()) == bytes(range(100)) * 30
