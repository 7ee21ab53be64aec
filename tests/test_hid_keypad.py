"""USB numeric pads as clerk keypads: evdev events decoded, and the reading loop on a fake
device (this machine has no /dev/input)."""

from __future__ import annotations

import asyncio
import errno

import pytest
from evdev import InputEvent, ecodes

from hallkit.drivers.hid.keys import key_for
from hallkit.drivers.hid.options import check_keymap
from hallkit.drivers.hid.reader import DeviceReader


def ev(name: str, value: int = 1, etype: int = ecodes.EV_KEY) -> InputEvent:
    return InputEvent(0, 0, etype, ecodes.ecodes[name], value)


def test_keys_decode_on_key_down_only():
    assert key_for(ev("KEY_KPPLUS")) == ("call", b"")
    assert key_for(ev("KEY_KP7")) == ("7", b"")
    assert key_for(ev("KEY_KPENTER")) == ("call_typed", b"")  # 回呼, in the keypad vocabulary
    assert key_for(ev("KEY_KPPLUS", 0)) is None  # key up
    assert key_for(ev("KEY_KPPLUS", 2)) is None  # auto-repeat
    assert key_for(InputEvent(0, 0, ecodes.EV_MSC, ecodes.MSC_SCAN, 458841)) is None
    assert key_for(ev("KEY_A")) is None          # a key the map does not know
    assert key_for(ev("KEY_F1"), {"KEY_F1": "transfer"}) == ("transfer", b"")


def test_keymap_check():
    assert check_keymap({"KEY_F1": "call", "KEY_F2": "transfer_typed", "KEY_F3": "hold"}) == []
    assert check_keymap({"KEY_KP_ONE": "call"}) == [
        "'KEY_KP_ONE' is not an evdev key name such as KEY_KP1"]
    assert check_keymap({"KEY_F1": "dance"})[0].startswith(
        "KEY_F1: 'dance' is not a keypad key; keys: 0-9, call, recall, end")
    assert check_keymap({"KEY_F1": "no-show"})[0].startswith(
        "KEY_F1: 'no-show' is not a keypad key (did you mean 'no_show'?)")
    assert check_keymap({"KEY_F1": "rating"})  # a score comes from rating buttons, not a key
    assert check_keymap({"KEY_F1": "confirm:03"})  # FF 68's wire form is not the vocabulary


class FakeDevice:
    """Stands where evdev.InputDevice is: yields events, then the unplug error."""

    def __init__(self, events, unplug=True):
        self.events, self.unplug = events, unplug
        self.grabbed = self.closed = False

    def grab(self):
        self.grabbed = True

    def close(self):
        self.closed = True

    async def async_read_loop(self):
        for event in self.events:
            yield event
            await asyncio.sleep(0)
        if self.unplug:
            raise OSError(errno.ENODEV, "No such device")
        await asyncio.Event().wait()


def test_reader_grabs_reports_and_survives_unplug_and_replug(run, monkeypatch):
    monkeypatch.setattr("hallkit.drivers.hid.reader.POLL_S", 0.01)
    plugged = [FakeDevice([ev("KEY_KPPLUS")]), None, FakeDevice([ev("KEY_KPMINUS")], unplug=False)]
    opened, events, states = [], [], []

    def open_device(path):
        device = plugged.pop(0)
        if device is None:
            raise FileNotFoundError(errno.ENOENT, "No such file or directory")
        opened.append(device)
        return device

    async def scenario():
        reader = DeviceReader("/dev/input/by-id/usb-Numpad-event-kbd", events.append,
                              lambda up, why: states.append((up, why)), open_device=open_device)
        task = asyncio.create_task(reader.run())
        while len(events) < 2:
            await asyncio.sleep(0.01)
        reader.close()
        task.cancel()

    run(scenario())
    assert [key_for(e)[0] for e in events] == ["call", "recall"]
    assert all(d.grabbed for d in opened) and opened[0].closed
    assert [up for up, _ in states] == [True, False, False, True]
    assert states[1] == (False, "unplugged")
    assert states[2][1].startswith("not present")


@pytest.mark.parametrize("code", ["KEY_KP0", "KEY_KP9", "KEY_BACKSPACE", "KEY_NUMLOCK", "KEY_KPDOT"])
def test_default_map_covers_a_numeric_pad(code):
    assert key_for(ev(code)) is not None


def test_a_usb_pad_logs_in_and_calls_through_the_keypad_daemon(tmp_path, broker, write_config, run,
                                                             monkeypatch):
    from queue_kit import MONDAY_9

    from hallkit.bus.settings import bus_settings
    from hallkit.clock import ManualClock
    from hallkit.config.load import load_config
    from hallkit.daemons.keypad.daemon import KeypadDaemon
    from hallkit.daemons.queue.daemon import QueueDaemon

    from conftest import harness, small_hall

    class SlowPad(FakeDevice):
        async def async_read_loop(self):
            for event in self.events:
                await asyncio.sleep(0.15)  # a person pressing keys
                yield event
            await asyncio.Event().wait()

    presses = [ev(k) for k in ("KEY_KP1", "KEY_KP0", "KEY_KP0", "KEY_KP1", "KEY_NUMLOCK", "KEY_KPPLUS")]
    monkeypatch.setattr("hallkit.drivers.hid.reader._evdev_open", lambda path: SlowPad(presses))
    text = small_hall(tmp_path / "var", port=broker.port, extra='''
[devices.pad-1]
kind = "keypad"
family = "hid-keypad"
link = "evdev:/dev/input/by-id/usb-Numpad_KP1-event-kbd"
''').replace('services = ["BDC"]\n', 'services = ["BDC"]\nkeypad = "pad-1"\n')
    cfg = load_config(write_config(text))
    clock = ManualClock(MONDAY_9, cfg.hall.timezone)

    async def scenario():
        async with harness(QueueDaemon, cfg, clock=clock) as q:
            await q.request("issue", {"service": "BDC"})
            keypad = KeypadDaemon(cfg, clock=clock, bus_settings=bus_settings(cfg, None))
            task = asyncio.create_task(keypad.run())
            for _ in range(100):
                status = await q.request("ticket", {"number": "A001"})
                if status.data["state"] == "called":
                    break
                await asyncio.sleep(0.05)
            keypad.request_stop()
            await asyncio.wait_for(task, 5)
            return status.data

    status = run(scenario())
    assert (status["state"], status["window"]) == ("called", 1)
