"""A line of FF 68 keypads on a pseudo-terminal, speaking the real protocol.

The host opens ``path`` like any serial port. ``press()`` sends a key frame and,
like a real keypad, waits 300 ms for the host's echo and resends up to 3 more
times. The host's LED text, beeps and rating starts land in each keypad's state.
A keypad can be told to lose echoes (``lose_echoes``) and garbage can be put on
the line (``inject``).
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass

from hallkit.drivers.ff68.codec import (
    BEEP,
    DEFAULT_KEYMAP,
    SHOW,
    START_RATING,
    Frame,
    StreamDecoder,
    encode,
)
from hallkit.drivers.sim.pty import SimPty

ECHO_WAIT_S = 0.3
SENDS = 4


@dataclass
class SimKeypad:
    addr: int
    led: str = ""          # the 6 characters on the LED, as sent
    beeps: int = 0
    rating_lit: bool = False
    lose_echoes: int = 0   # pretend this many coming echoes never arrive


class KeypadBusSim:
    def __init__(self, addresses: list[int], keymap: dict[str, int] | None = None) -> None:
        self.pty = SimPty()
        self.master, self.path = self.pty.master, self.pty.path
        self.keymap = {**DEFAULT_KEYMAP, **(keymap or {})}
        self.keypads = {a: SimKeypad(a) for a in addresses}
        self.decoder = StreamDecoder()
        self._waiting: list[tuple[Frame, asyncio.Future]] = []
        self._loop: asyncio.AbstractEventLoop | None = None

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._loop.add_reader(self.master, self._readable)

    def close(self) -> None:
        """Pull the plug: the host sees the port fail."""
        if self._loop:
            self._loop.remove_reader(self.master)
        self.pty.close()

    async def press(self, addr: int, key: str, data: bytes = b"") -> int:
        """Press a key; returns how many sends it took to get an echo (0: none came)."""
        frame = Frame(addr, self.keymap[key], data)
        wire = encode(frame)
        for attempt in range(1, SENDS + 1):
            echo = self._loop.create_future()
            self._waiting.append((frame, echo))
            os.write(self.master, wire)
            try:
                await asyncio.wait_for(echo, ECHO_WAIT_S)
                pad = self.keypads[addr]
                if pad.lose_echoes:  # as if it never came: wait out the 300 ms, resend
                    pad.lose_echoes -= 1
                    await asyncio.sleep(ECHO_WAIT_S)
                    continue
                return attempt
            except TimeoutError:
                continue
            finally:
                if (frame, echo) in self._waiting:
                    self._waiting.remove((frame, echo))
        return 0

    def inject(self, raw: bytes) -> None:
        os.write(self.master, raw)

    def _readable(self) -> None:
        try:
            data = os.read(self.master, 4096)
        except BlockingIOError:
            return
        except OSError:  # the host side closed
            return
        for frame in self.decoder.feed(data):
            self._handle(frame)

    def _handle(self, frame: Frame) -> None:
        pad = self.keypads.get(frame.addr)
        if pad is None:
            return  # for a keypad not on this line
        if frame.data and frame.cmd in (SHOW, BEEP, START_RATING):
            if frame.cmd == SHOW:
                pad.led = frame.data.decode("ascii", "replace")
            elif frame.cmd == BEEP:
                pad.beeps += frame.data[0]
            else:
                pad.rating_lit = True
            return
        for waiting, echo in self._waiting:
            if waiting == frame and not echo.done():
                echo.set_result(None)
                break


LED_SETTLE_S = 2.0  # how long a press waits for the LED to answer


class HostedKeypadLine:
    """The simulator host's face of a keypad line: ``hallctl sim press keypad-3 call``."""

    def __init__(self, line) -> None:
        keymap = next((d.options.keymap for d in line.devices if d.options.keymap), None)
        self.sim = KeypadBusSim(sorted(d.address for d in line.devices), keymap)

    async def start(self) -> dict:
        await self.sim.start()
        return {"path": self.sim.path}

    async def close(self) -> None:
        self.sim.close()

    def shows(self, device) -> str:
        pad = self.sim.keypads[device.address]
        lit = "  [rating pad lit: hallctl sim press … rating --data 01…05]" if pad.rating_lit else ""
        return pad.led + lit

    async def act(self, action: str, device, args) -> dict:
        key, data = args["key"], args.get("data") or ""
        if key not in self.sim.keymap:
            raise ValueError(f"no key {key!r}; keys: {', '.join(self.sim.keymap)}")
        try:
            raw = bytes.fromhex(data)
        except ValueError:
            raise ValueError(f"--data {data!r} is not hex bytes such as 03") from None
        pad = self.sim.keypads[device.address]
        before = pad.led
        if key == "rating":
            pad.rating_lit = False  # a level pressed: the pad's keys go dark
        sends = await self.sim.press(device.address, key, raw)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + LED_SETTLE_S
        while pad.led == before and loop.time() < deadline and sends:
            await asyncio.sleep(0.02)
        text = (f"{device.id} LED: {pad.led.strip() or '(blank)'}" if sends else
                f"{device.id}: {key} got no echo: is the keypad daemon running?")
        return {"ok": bool(sends), "text": text, "detail": {"sends": sends, "led": pad.led}}

