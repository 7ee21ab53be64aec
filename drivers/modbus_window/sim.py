"""A line of window displays: pymodbus's RTU server behind a pseudo-terminal.

Two ptys joined by a null-modem bridge: the server listens on one, the host opens
``path`` (the other) like an RS-485 adapter. ``screen(addr)`` is what a display
shows; ``silence(addr)`` makes one stop answering (the others go on).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os

from pymodbus.server import ModbusSerialServer
from pymodbus.simulator.simdata import DataType, SimData
from pymodbus.simulator.simdevice import SimDevice

from hallkit.display import Screen
from hallkit.drivers.modbus_window.codec import MAP_VERSION, REGISTERS, screen_of
from hallkit.drivers.sim.pty import SimPty

WRITE_MULTIPLE = 16


class DisplayLineSim:
    def __init__(self, addresses: list[int], baud: int = 9600) -> None:
        self.baud = baud
        self._host, self._device = SimPty(), SimPty()
        self.path = self._host.path
        self.registers = {a: [0] * REGISTERS for a in addresses}
        self.writes = {a: 0 for a in addresses}  # updates each display took
        self.silent: set[int] = set()
        self.on_write = None  # optional callback(addr, Screen) when a display takes an update
        self._devices = [SimDevice(a, simdata=(
            [SimData(0, values=False, datatype=DataType.BITS)],
            [SimData(0, values=False, datatype=DataType.BITS)],
            [SimData(0, count=REGISTERS, values=0, datatype=DataType.REGISTERS)],
            [SimData(0, values=[MAP_VERSION, 0], datatype=DataType.REGISTERS)]),
            action=functools.partial(self._on_access, a)) for a in addresses]
        self._server: ModbusSerialServer | None = None
        self._task: asyncio.Task | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        for a, b in ((self._host, self._device), (self._device, self._host)):
            self._loop.add_reader(a.master, self._pass, a.master, b.master)
        self._server = ModbusSerialServer(self._devices, port=self._device.path, baudrate=self.baud,
                                          ignore_missing_devices=True, reconnect_delay=0.2,
                                          trace_packet=self._wire)
        self._task = asyncio.create_task(self._server.serve_forever())
        await asyncio.sleep(0.1)  # let the server open its end

    async def close(self) -> None:
        if self._server:
            await self._server.shutdown()
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        for pty in (self._host, self._device):
            self._loop.remove_reader(pty.master)
            pty.close()

    def screen(self, addr: int) -> Screen:
        return screen_of(self.registers[addr])

    def silence(self, addr: int, silent: bool = True) -> None:
        """The display stops answering (unplugged from the bus, or broken), or comes back."""
        (self.silent.add if silent else self.silent.discard)(addr)

    async def _on_access(self, addr, function_code, start_address, address, count, current, values):
        if function_code == WRITE_MULTIPLE and values is not None:
            self.registers[addr][address:address + len(values)] = list(values)
            self.writes[addr] += 1
            if self.on_write:
                self.on_write(addr, self.screen(addr))
        return None

    def _wire(self, sending: bool, packet: bytes) -> bytes:
        """Drop the replies of a silent display, as if it were not on the line."""
        if sending and packet and packet[0] in self.silent:
            return b""
        return packet

    @staticmethod
    def _pass(src: int, dst: int) -> None:
        with contextlib.suppress(BlockingIOError, OSError):
            os.write(dst, os.read(src, 4096))


class HostedDisplayLine:
    """The simulator host's face of a display line: `hallctl sim show`, and
    ``hallctl sim display display-3 silent`` to unplug one display (``ok`` plugs it back)."""

    def __init__(self, line) -> None:
        self.sim = DisplayLineSim(sorted(d.address for d in line.devices), baud=line.baud)

    async def start(self) -> dict:
        await self.sim.start()
        return {"path": self.sim.path}

    async def close(self) -> None:
        await self.sim.close()

    def shows(self, device) -> str:
        screen = self.sim.screen(device.address)
        silent = " (silent)" if device.address in self.sim.silent else ""
        return f"[{screen.mode}]{silent} {screen.line1} / {screen.line2}"

    async def act(self, action: str, device, args) -> dict:
        condition = args.get("condition")
        if condition not in (None, "ok", "silent"):
            raise ValueError(f"no display condition {condition!r}; use ok or silent")
        if condition:
            self.sim.silence(device.address, condition == "silent")
        return {"ok": True, "text": f"{device.id}: {self.shows(device)}",
                "detail": {"updates": self.sim.writes[device.address]}}

