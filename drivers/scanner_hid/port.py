"""A keyboard-wedge scanner as the kiosk-devices daemon drives it (hallkit.readers.ScannerPort).

Grabbed, so what it types never reaches the kiosk's desktop or a text field: the kiosk
gets the code from the daemon, whole.
"""

from __future__ import annotations

import logging

from hallkit.config.links import Link
from hallkit.config.model import HallConfig
from hallkit.drivers.hid.reader import DeviceReader
from hallkit.drivers.scanner_hid.codes import ScanDecoder
from hallkit.readers import OnScan, OnState

log = logging.getLogger(__name__)


class HidScannerPort:
    def __init__(self, cfg: HallConfig, link: Link, members: dict[str, int | None],
                 on_scan: OnScan, on_state: OnState) -> None:
        (self.device_id,) = members
        self.decoder = ScanDecoder()
        self.on_scan = on_scan
        self.reader = DeviceReader(link.target, self._event,
                                   lambda up, why: on_state(self.device_id, up, None if up else why))

    def _event(self, event) -> None:
        code = self.decoder.feed(event)
        if code is not None:
            self.on_scan(self.device_id, code)

    async def run(self) -> None:
        await self.reader.run()
