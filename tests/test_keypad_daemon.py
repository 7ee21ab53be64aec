"""Keypad → queue → keypad LED, over a real pty and a real broker."""

from __future__ import annotations

import asyncio
import time

from queue_kit import MONDAY_9

from hallkit.bus.settings import bus_settings
from hallkit.clock import ManualClock
from hallkit.config.load import load_config
from hallkit.daemons.keypad.daemon import KeypadDaemon
from hallkit.daemons.queue.daemon import QueueDaemon
from hallkit.drivers.ff68.sim import KeypadBusSim

from conftest import harness, small_hall


def keypads(path: str) -> str:
    return f'''
[devices.kp-1]
kind = "keypad"
family = "ff68"
link = "serial:{path}"
address = 1

[devices.kp-2]
kind = "keypad"
family = "ff68"
link = "serial:{path}"
address = 2
'''


def test_press_call_on_a_keypad_and_its_led_shows_the_ticket(tmp_path, broker, write_config, run):
    async def scenario():
        sim = KeypadBusSim([1, 2])
        await sim.start()
        text = small_hall(tmp_path / "var", port=broker.port, extra=keypads(sim.path))
        text = text.replace('services = ["BDC"]\n', 'services = ["BDC"]\nkeypad = "kp-1"\n')
        text = text.replace('services = ["SB", "BDC"]\n', 'services = ["SB", "BDC"]\nkeypad = "kp-2"\n')
        cfg = load_config(write_config(text))
        clock = ManualClock(MONDAY_9, cfg.hall.timezone)
        async with harness(QueueDaemon, cfg, clock=clock) as q:
            keypad = KeypadDaemon(cfg, clock=clock, bus_settings=bus_settings(cfg, None))
            task = asyncio.create_task(keypad.run())
            pad1, pad2 = sim.keypads[1], sim.keypads[2]

            async def led(pad, text, timeout=3.0):
                deadline = time.monotonic() + timeout
                while pad.led.strip() != text:
                    assert time.monotonic() < deadline, f"LED shows {pad.led!r}, not {text!r}"
                    await asyncio.sleep(0.01)

            for key in "1001":
                await sim.press(1, key)
            await sim.press(1, "login")
            await led(pad1, "ON")
            await sim.press(1, "call")
            await led(pad1, "E-NOQ")          # nobody waits yet
            beeps = pad1.beeps
            await q.request("issue", {"service": "BDC"})
            await q.request("issue", {"service": "BDC"})
            await led(pad1, "2", timeout=6)   # after the answer's 3 s: two waiting for window 1
            await sim.press(1, "call")
            await led(pad1, "A001")
            await sim.press(2, "call")
            await led(pad2, "E-LOG")          # window 2 has nobody logged in
            for key in "1002":
                await sim.press(2, key)
            await sim.press(2, "login")
            await sim.press(2, "2")
            await sim.press(2, "confirm", b"\x03")  # 回呼: call the typed number → A002
            await led(pad2, "A002")
            status = await q.request("ticket", {"number": "A002"})
            keypad.request_stop()
            await asyncio.wait_for(task, 5)
            return beeps, status
        sim.close()

    beeps, status = run(scenario())
    assert beeps >= 1
    assert (status.data["state"], status.data["window"]) == ("called", 2)


def test_a_press_the_queue_could_not_answer_is_not_acted_on_later(tmp_path, broker, write_config, run):
    """The queue daemon is down: the press shows E-BUS, the broker keeps the command, and
    when the daemon returns the command has expired: nobody is called behind the clerk's back."""
    async def scenario():
        sim = KeypadBusSim([1, 2])
        await sim.start()
        text = small_hall(tmp_path / "var", port=broker.port, extra=keypads(sim.path))
        text = text.replace('services = ["BDC"]\n', 'services = ["BDC"]\nkeypad = "kp-1"\n')
        cfg = load_config(write_config(text))
        clock = ManualClock(MONDAY_9, cfg.hall.timezone)
        keypad = KeypadDaemon(cfg, clock=clock, bus_settings=bus_settings(cfg, "daemon-keypad"))
        keypad_task = asyncio.create_task(keypad.run())
        async with harness(QueueDaemon, cfg, clock=clock) as q:
            await q.request("login", {"window": 1, "clerk": "1001"})
            await q.request("issue", {"service": "BDC"})
        await sim.press(1, "call")  # the queue daemon is gone
        deadline = time.monotonic() + 6
        while sim.keypads[1].led.strip() != "E-BUS":
            assert time.monotonic() < deadline, sim.keypads[1].led
            await asyncio.sleep(0.02)
        clock.advance(10)
        async with harness(QueueDaemon, cfg, clock=clock) as q:  # back; the broker delivers
            await asyncio.sleep(0.5)
            status = await q.request("ticket", {"number": "A001"})
            window = await q.request("window-next", {"window": 1})
        keypad.request_stop()
        await asyncio.wait_for(keypad_task, 5)
        sim.close()
        return status, window

    status, window = run(scenario(), timeout=40)
    assert status.data["state"] == "waiting"
    assert [t["number"] for t in window.data["tickets"]] == ["A001"]
