"""FF 68 keypads over a real pseudo-terminal: simulator ↔ serial transport ↔ line driver."""

from __future__ import annotations

import asyncio
import os
import time

from hallkit.drivers.ff68.driver import KeypadLine
from hallkit.drivers.ff68.sim import SENDS, KeypadBusSim
from hallkit.drivers.transport.serial_line import SerialLine


class Rig:
    """A simulated keypad line, the host's serial port on it, and the driver."""

    def __init__(self, addresses=(3, 4), path=None, configured=None):
        self.sim = KeypadBusSim(list(addresses))
        self.keys = []
        self.states = []
        self.driver = KeypadLine(lambda data: self.port.write(data), self.keys.append,
                                 now=time.monotonic, addresses=configured)
        self.port = SerialLine(path or self.sim.path, on_bytes=self.driver.feed,
                               on_state=lambda up, why: self.states.append(up))

    async def __aenter__(self):
        await self.sim.start()
        await self.port.open()
        return self

    async def __aexit__(self, *exc):
        self.port.close()
        self.sim.close()

    async def settle(self, predicate, timeout=2.0):
        deadline = time.monotonic() + timeout
        while not predicate():
            assert time.monotonic() < deadline, "timed out"
            await asyncio.sleep(0.01)


def test_a_press_is_echoed_and_reported(run):
    async def scenario():
        async with Rig() as rig:
            sends = await rig.sim.press(3, "call")
            await rig.settle(lambda: rig.keys)
            return sends, rig.keys

    sends, keys = run(scenario())
    assert sends == 1
    assert [(k.addr, k.key) for k in keys] == [(3, "call")]


def test_a_keypad_at_an_address_nobody_configured_is_not_answered(run, caplog):
    async def scenario():
        async with Rig(addresses=(3, 4), configured=frozenset({3})) as rig:
            stranger = await rig.sim.press(4, "call")  # resends: nobody echoes it
            await rig.sim.press(4, "call")
            ours = await rig.sim.press(3, "call")
            await rig.settle(lambda: rig.keys)
            return stranger, ours, rig

    stranger, ours, rig = run(scenario())
    assert (ours, stranger) == (1, 0)  # 0: the keypad gave up, no echo ever came
    assert [(k.addr, k.key) for k in rig.keys] == [(3, "call")]
    assert rig.driver.strangers[4] == 2 * SENDS  # every send of both presses, counted
    assert len([r for r in caplog.records if "address 4" in r.getMessage()]) == 1  # said once


def test_lost_echoes_make_resends_that_act_once(run):
    async def scenario():
        async with Rig() as rig:
            rig.sim.keypads[3].lose_echoes = 2
            sends = await rig.sim.press(3, "call")
            rig.sim.keypads[4].lose_echoes = 1
            digit_sends = await rig.sim.press(4, "7")
            await asyncio.sleep(0.1)
            return sends, digit_sends, [(k.addr, k.key) for k in rig.keys]

    sends, digit_sends, keys = run(scenario())
    assert (sends, digit_sends) == (3, 2)
    # The call acted on once; the digit twice, as the protocol says (the clerk sees and clears).
    assert keys == [(3, "call"), (4, "7"), (4, "7")]


def test_led_beep_and_rating_reach_the_keypad(run):
    async def scenario():
        async with Rig() as rig:
            rig.driver.show(3, "A012")
            rig.driver.beep(4, 2)
            rig.driver.start_rating(4)
            pads = rig.sim.keypads
            await rig.settle(lambda: pads[3].led and pads[4].beeps and pads[4].rating_lit)
            return pads[3].led, pads[4].beeps, pads[4].led

    assert run(scenario()) == ("  A012", 2, "")


def test_garbage_on_the_line_is_skipped(run):
    async def scenario():
        async with Rig() as rig:
            rig.sim.inject(b"\x00\x13\xff\x68\x09\x09\x68\x01")  # noise and a cut frame
            rig.sim.inject(bytes.fromhex("FF 68 02 02 68 03 0C 10 16"))  # bad checksum
            sends = await rig.sim.press(3, "confirm", b"\x06")
            await rig.settle(lambda: rig.keys)
            return sends, rig.keys, dict(rig.driver.errors)

    sends, keys, errors = run(scenario())
    assert sends == 1 and keys[0].name == "no_show"
    assert errors.get("checksum", 0) >= 1


def test_unplug_and_replug_by_a_stable_name(tmp_path, run):
    """The port is opened by a by-id style link; the adapter goes away and comes back."""
    link = tmp_path / "usb-FTDI_FT232R_KPD1-if00-port0"

    async def scenario():
        first = KeypadBusSim([3])
        os.symlink(first.path, link)
        rig = Rig(path=str(link))
        rig.sim = first
        async with rig:
            assert await first.press(3, "call") == 1
            first.close()  # unplugged
            await rig.settle(lambda: rig.states[-1] is False)
            second = KeypadBusSim([3])  # plugged back in: a new device behind the same name
            await second.start()
            os.unlink(link)
            os.symlink(second.path, link)
            rig.sim = second
            await rig.settle(lambda: rig.states[-1] is True, timeout=5)
            sends = await second.press(3, "recall")
            await rig.settle(lambda: len(rig.keys) == 2)
            return sends, [k.key for k in rig.keys], rig.states

    sends, keys, states = run(scenario())
    assert sends == 1 and keys == ["call", "recall"]
    assert states == [True, False, True]
