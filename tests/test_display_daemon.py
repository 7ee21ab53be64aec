"""Queue → display daemon → window displays on a simulated Modbus RTU line (pty, pymodbus)."""

from __future__ import annotations

import asyncio
import itertools
import json
import time

from queue_kit import MONDAY_9

from hallkit.bus.settings import bus_settings
from hallkit.clock import ManualClock
from hallkit.config.load import load_config
from hallkit.daemons.display.daemon import DisplayDaemon
from hallkit.daemons.queue.daemon import QueueDaemon
from hallkit.drivers.modbus_window.sim import DisplayLineSim

from conftest import harness, small_hall


def displays(path: str) -> str:
    return "".join(f'''
[devices.d-{n}]
kind = "window_display"
family = "modbus-window"
link = "serial:{path}"
address = {n}
options = {{ blink_seconds = 1 }}
''' for n in (1, 2))


def test_displays_follow_the_queue_and_a_silent_one_holds_nobody_up(tmp_path, broker, write_config,
                                                                   run):
    async def scenario():
        sim = DisplayLineSim([1, 2])
        await sim.start()
        text = small_hall(tmp_path / "var", port=broker.port, extra=displays(sim.path))
        text = text.replace('services = ["BDC"]\n', 'services = ["BDC"]\ndisplay = "d-1"\n')
        text = text.replace('services = ["SB", "BDC"]\n', 'services = ["SB", "BDC"]\ndisplay = "d-2"\n')
        cfg = load_config(write_config(text))
        clock = ManualClock(MONDAY_9, cfg.hall.timezone)
        seen = {}

        async def screen(addr, mode, line1, timeout=3.0):
            deadline = time.monotonic() + timeout
            while (sim.screen(addr).mode, sim.screen(addr).line1) != (mode, line1):
                assert time.monotonic() < deadline, f"display {addr} shows {sim.screen(addr)}"
                await asyncio.sleep(0.01)
            return time.monotonic()

        async with harness(QueueDaemon, cfg, clock=clock) as q:
            q.client.subscribe("hall/t1/window_display/+/availability",
                               lambda t, p: seen.__setitem__(t.split("/")[3], json.loads(p)))
            daemon = DisplayDaemon(cfg, clock=clock, bus_settings=bus_settings(cfg, None))
            task = asyncio.create_task(daemon.run())
            await screen(1, "closed", "1号窗口")
            await q.request("login", {"window": 1, "clerk": "1001"})
            await screen(1, "idle", "欢迎光临")
            await q.request("issue", {"service": "BDC"})
            await q.request("issue", {"service": "BDC"})
            await q.request("call-next", {"window": 1})
            await screen(1, "calling", "请A001号")
            assert sim.screen(1).line2 == "1号窗口"
            await screen(1, "serving", "A001号")       # after the 1 s blink
            sim.silence(2)
            await q.request("login", {"window": 2, "clerk": "1002"})  # display 2 cannot take it
            t0 = time.monotonic()
            await q.request("call-next", {"window": 1})
            t1 = await screen(1, "calling", "请A002号")
            while seen.get("d-2", {}).get("state") != "offline":
                await asyncio.sleep(0.05)
            sim.silence(2, False)  # back on the line: the health read finds it
            daemon.request_stop()
            await asyncio.wait_for(task, 5)
            await sim.close()
            return t1 - t0, seen["d-2"], seen["d-1"]

    delay, d2, d1 = run(scenario())
    assert delay < 1.5  # display 1 went on while display 2 timed out
    assert d2["reason"].startswith("no answer to an update")
    assert d1["state"] == "online"


def test_lcd_window_screens_get_the_same_screen_as_json(tmp_path, broker, write_config, run):
    text = small_hall(tmp_path / "var", port=broker.port, extra='''
[devices.lcd-2]
kind = "window_display"
family = "mqtt-lcd"
link = "mqtt"
options = { welcome = "您好，请取号" }
''').replace('services = ["SB", "BDC"]\n', 'services = ["SB", "BDC"]\ndisplay = "lcd-2"\n')
    cfg = load_config(write_config(text))
    clock = ManualClock(MONDAY_9, cfg.hall.timezone)

    async def scenario():
        screens = []
        async with harness(QueueDaemon, cfg, clock=clock) as q:
            q.client.subscribe("hall/t1/window_display/lcd-2/state",
                               lambda t, p: screens.append(json.loads(p)))
            daemon = DisplayDaemon(cfg, clock=clock, bus_settings=bus_settings(cfg, None))
            task = asyncio.create_task(daemon.run())
            await q.request("login", {"window": 2, "clerk": "1002"})

            async def seen(mode):  # the daemon may start after the login: wait for what it shows
                deadline = time.monotonic() + 5
                while not any(s["mode"] == mode for s in screens):
                    assert time.monotonic() < deadline, screens
                    await asyncio.sleep(0.02)

            await seen("idle")
            await q.request("issue", {"service": "SB"})
            await q.request("call-next", {"window": 2})
            await seen("calling")
            daemon.request_stop()
            await asyncio.wait_for(task, 5)
            return screens

    screens = run(scenario())
    idle = next(s for s in screens if s["mode"] == "idle")
    assert (idle["line1"], idle["line2"]) == ("您好，请取号", "2号窗口")
    calling = next(s for s in screens if s["mode"] == "calling")
    assert (calling["line1"], calling["window"], calling["v"]) == ("请B001号", 2, 1)


def test_the_blink_stops_the_moment_the_window_moves_on_and_each_screen_is_written_once(
        tmp_path, broker, write_config, run):
    """It blinked 请A0xx号 for up to 10 s after the clerk had ended, held or paused."""
    async def scenario():
        sim = DisplayLineSim([1, 2])
        await sim.start()
        text = small_hall(tmp_path / "var", port=broker.port,
                          extra=displays(sim.path).replace("blink_seconds = 1", "blink_seconds = 10"))
        text = text.replace('services = ["BDC"]\n', 'services = ["BDC"]\ndisplay = "d-1"\n')
        cfg = load_config(write_config(text))
        clock = ManualClock(MONDAY_9, cfg.hall.timezone)

        async def screen(mode, line1, within=1.0):
            deadline = time.monotonic() + within
            while (sim.screen(1).mode, sim.screen(1).line1) != (mode, line1):
                assert time.monotonic() < deadline, f"display shows {sim.screen(1)}"
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.3)  # let any second write of the same screen come
            return sim.writes[1]

        async with harness(QueueDaemon, cfg, clock=clock) as q:
            daemon = DisplayDaemon(cfg, clock=clock, bus_settings=bus_settings(cfg, None))
            task = asyncio.create_task(daemon.run())
            await screen("closed", "1号窗口", within=5)
            await q.request("login", {"window": 1, "clerk": "1001"})
            for _ in range(3):
                await q.request("issue", {"service": "BDC"})
            writes = [await screen("idle", "欢迎光临")]
            await q.request("call-next", {"window": 1})
            writes.append(await screen("calling", "请A001号"))
            await q.request("end", {"window": 1})
            writes.append(await screen("idle", "欢迎光临"))    # not 10 s of 请A001号
            await q.request("call-next", {"window": 1})
            writes.append(await screen("calling", "请A002号"))
            await q.request("recall", {"window": 1})          # the same screen, blinking afresh
            await asyncio.sleep(0.3)
            writes.append(sim.writes[1])
            await q.request("hold", {"window": 1})
            writes.append(await screen("idle", "欢迎光临"))
            await q.request("call-next", {"window": 1})
            writes.append(await screen("calling", "请A003号"))
            await q.request("no-show", {"window": 1})
            writes.append(await screen("idle", "欢迎光临"))
            await q.request("pause", {"window": 1, "paused": True})
            await asyncio.sleep(0.3)
            paused = sim.screen(1)
            writes.append(sim.writes[1])
            daemon.request_stop()
            await asyncio.wait_for(task, 5)
            await sim.close()
            return writes, paused

    writes, paused = run(scenario(), timeout=60)
    steps = [b - a for a, b in itertools.pairwise(writes)]
    assert steps == [1, 1, 1, 1, 1, 1, 1, 1], writes  # one write per change, one for the recall
    assert paused.mode == "paused" and not paused.blink_s
