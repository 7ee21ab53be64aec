"""A serial scanner as the kiosk-devices daemon drives it (hallkit.readers.ScannerPort)."""

from __future__ import annotations

import asyncio
import time

from hallkit.config.links import Link
from hallkit.config.model import HallConfig
from hallkit.drivers.scanner_serial.codec import LineDecoder
from hallkit.drivers.transport.serial_line import SerialLine
from hallkit.plugins import family
from hallkit.readers import OnScan, OnState
from hallkit.runtime.device_lines import DeviceLine


class SerialScannerPort:
    def __init__(self, cfg: HallConfig, link: Link, members: dict[str, int | None],
                 on_scan: OnScan, on_state: OnState) -> None:
        (self.device_id,) = members
        self.cfg = cfg
        self.on_scan, self.on_state = on_scan, on_state
        baud, fmt = family(cfg.devices[self.device_id].family).line_settings(link)
        self.line = DeviceLine(link.line_key, baud, fmt)
        self.decoder = LineDecoder()

    async def run(self) -> None:
        path = await self.line.wait_for_port(
            self.cfg, lambda: self.on_state(self.device_id, False, "simulator not running"))
        # A scanner says nothing until it scans: the port being open is all there is to know.
        port = SerialLine(path, baud=self.line.baud, fmt=self.line.fmt, on_bytes=self._bytes,
                          on_state=self._port_state)
        await port.open()
        try:
            await asyncio.Event().wait()
        finally:
            port.close()

    def _port_state(self, up: bool, why: str) -> None:
        self.decoder.reset()
        self.on_state(self.device_id, up, None if up else why)

    def _bytes(self, data: bytes) -> None:
        for code in self.decoder.feed(data, time.monotonic()):
            self.on_scan(self.device_id, code)
