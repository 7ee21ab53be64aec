"""One RS-485 line of window displays: one request at a time, and no display holds up the rest.

Each display's latest screen waits in ``pending`` (a newer one replaces it). A
write gets one retry within a short timeout; a display that still does not answer
goes offline and is skipped until the 10 s health read finds it again, then it
gets its screen. Three failed health reads in a row also make a display offline.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable

from pymodbus.client import AsyncModbusSerialClient
from pymodbus.exceptions import ModbusException

from hallkit.display import Screen
from hallkit.drivers.modbus_window.codec import HEALTH_REGISTERS, registers
from hallkit.runtime.device_lines import DeviceLine

log = logging.getLogger(__name__)

TIMEOUT_S = 0.3
HEALTH_EVERY_S = 10.0
HEALTH_FAILS = 3


class LineWorker:
    def __init__(self, line: DeviceLine[str], path: str,
                 on_availability: Callable[[str, bool, str | None], None]) -> None:
        self.line = line
        self.on_availability = on_availability
        bits, parity, stop = int(line.fmt[0]), line.fmt[1], int(line.fmt[2])
        self.client = AsyncModbusSerialClient(path, baudrate=line.baud, bytesize=bits, parity=parity,
                                              stopbits=stop, timeout=TIMEOUT_S, retries=1,
                                              reconnect_delay=0.5, reconnect_delay_max=10)
        self.wanted: dict[int, Screen] = {}
        self.shown: dict[int, Screen] = {}
        self.pending: dict[int, Screen] = {}
        self.online: dict[int, bool] = {}
        self.health_fails: Counter = Counter()
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()  # one request outstanding on the line

    def show(self, addr: int, screen: Screen, again: bool = False) -> None:
        """Write ``screen`` unless the display shows it already (``again``: write it anyway,
        e.g. a recall, so the display blinks afresh)."""
        self.wanted[addr] = screen
        if again or self.shown.get(addr) != screen:
            self.pending[addr] = screen
            self._wake.set()

    async def run(self) -> None:
        await self.client.connect()
        health = asyncio.create_task(self._health())
        try:
            while True:
                await self._wake.wait()
                self._wake.clear()
                while self.pending:
                    addr = next(iter(self.pending))
                    screen = self.pending.pop(addr)
                    if self.online.get(addr) is False:
                        continue  # offline: the health read brings it back with its screen
                    await self._write(addr, screen)
        finally:
            health.cancel()
            self.client.close()

    async def _write(self, addr: int, screen: Screen) -> None:
        try:
            async with self._lock:
                reply = await self.client.write_registers(0, registers(screen), device_id=addr)
            if reply.isError():
                raise ModbusException(f"exception reply {reply}")
        except ModbusException as exc:
            self._set_online(addr, False, f"no answer to an update ({exc.__class__.__name__})")
            return
        self.shown[addr] = screen
        self._set_online(addr, True, None)

    async def _health(self) -> None:
        while True:
            try:
                await self._health_round()
            except Exception:  # never let the health checks end quietly
                log.exception("health read round on %s failed", self.line.key)
            await asyncio.sleep(HEALTH_EVERY_S)

    async def _health_round(self) -> None:
        for addr in list(self.line.members):
            try:
                async with self._lock:
                    reply = await self.client.read_input_registers(
                        0, count=HEALTH_REGISTERS, device_id=addr)
                if reply.isError():
                    raise ModbusException(str(reply))
            except ModbusException:
                self.health_fails[addr] += 1
                if self.health_fails[addr] >= HEALTH_FAILS:
                    self._set_online(addr, False, "no answer to the health read")
                continue
            self.health_fails[addr] = 0
            faults = reply.registers[1]
            reason = ", ".join(name for bit, name in ((1, "LED module fault"),
                                                     (2, "power fault")) if faults & bit) or None
            was_offline = self.online.get(addr) is False
            self._set_online(addr, True, reason)
            if was_offline and addr in self.wanted:  # back: give it what it should show
                self.shown.pop(addr, None)
                self.show(addr, self.wanted[addr])

    def _set_online(self, addr: int, up: bool, reason: str | None) -> None:
        if self.online.get(addr) != up:
            (log.info if up else log.error)("display %s on %s is %s%s",
                                            self.line.members[addr], self.line.key,
                                            "online" if up else "offline",
                                            f" ({reason})" if reason else "")
        self.online[addr] = up
        self.on_availability(self.line.members[addr], up, reason)
