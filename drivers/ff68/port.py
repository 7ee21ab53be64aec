"""FF 68 keypads sharing one RS-485 line, as the keypad daemon drives them (KeypadPort).

Waits for the line's port (a simulator may publish it later), opens it through the
serial transport (which reopens an unplugged adapter), and runs the line driver:
echoes, de-duplication, keys by address, LED text, beeps and rating starts.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from hallkit.config.links import Link
from hallkit.config.model import HallConfig
from hallkit.drivers.ff68.codec import KeyPress
from hallkit.drivers.ff68.driver import KeypadLine
from hallkit.drivers.transport.serial_line import SerialLine
from hallkit.plugins import family
from hallkit.runtime.device_lines import DeviceLine

log = logging.getLogger(__name__)


class FF68Port:
    def __init__(self, cfg: HallConfig, link: Link, members: dict[str, int | None],
                 on_key: Callable[[str, str, bytes], None],
                 on_state: Callable[[str, bool, str | None], None]) -> None:
        self.cfg = cfg
        self.members = members
        self.by_addr = {addr: dev for dev, addr in members.items()}
        self.on_key, self.on_state = on_key, on_state
        baud, fmt = family(cfg.devices[next(iter(members))].family).line_settings(link)
        self.line = DeviceLine(link.line_key, baud, fmt)
        # One keymap per line: the first one a keypad on it gives.
        self.keymap = next((k for d in members if (k := cfg.options(d).keymap)), None)
        self.driver: KeypadLine | None = None

    async def run(self) -> None:
        path = await self.line.wait_for_port(self.cfg, lambda: self._all(False, "simulator not running"))
        # Resend timing is the hardware's real time, not the hall's business clock.
        driver = KeypadLine(lambda data: port.write(data), self._press, now=time.monotonic,
                            keymap=self.keymap, addresses=frozenset(self.by_addr))
        port = SerialLine(path, baud=self.line.baud, fmt=self.line.fmt, on_bytes=driver.feed,
                          on_state=lambda up, why: self._all(up, None if up else why))
        self.driver = driver
        await port.open()
        try:
            await asyncio.Event().wait()  # the transport reads and reopens on its own
        finally:
            port.close()
            self.driver = None

    def _all(self, up: bool, why: str | None) -> None:
        for dev in self.members:
            self.on_state(dev, up, why)

    def _press(self, press: KeyPress) -> None:
        self.on_key(self.by_addr[press.addr], press.name, press.data)

    def show(self, device_id: str, text: str, beep: int = 0) -> None:
        if self.driver is not None:
            self.driver.show(self.members[device_id], text)
            if beep:
                self.driver.beep(self.members[device_id], beep)

    def start_rating(self, device_id: str) -> None:
        if self.driver is not None:
            self.driver.start_rating(self.members[device_id])
