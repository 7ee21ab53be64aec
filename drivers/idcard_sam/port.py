"""A SAM ID card reader as the kiosk-devices daemon drives it (hallkit.readers.IdReaderPort).

Opens the serial port (or the simulator's pty, once it is up) or the USB endpoints,
polls for cards (reader.py) and hands the daemon an IdCard per placing: the card's
other fields and its photo stay here.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hallkit.config.links import Link
from hallkit.config.model import HallConfig
from hallkit.drivers.idcard_sam.codec import Card
from hallkit.drivers.idcard_sam.links import SerialSamLink, UsbSamLink
from hallkit.drivers.idcard_sam.reader import CardReader
from hallkit.plugins import family
from hallkit.readers import IdCard, OnCard, OnRefused, OnState
from hallkit.runtime.device_lines import DeviceLine


class SamReaderPort:
    usb_backend = None  # pyusb's default (libusb1); tests stand in a fake bus

    def __init__(self, cfg: HallConfig, link: Link, members: dict[str, int | None],
                 on_card: OnCard, on_refused: OnRefused, on_state: OnState) -> None:
        (self.device_id,) = members  # one reader per link
        self.cfg, self.link = cfg, link
        self.on_card, self.on_refused, self.on_state = on_card, on_refused, on_state
        self.poll_s = cfg.options(self.device_id).poll_ms / 1000
        self.tz = ZoneInfo(cfg.hall.timezone)

    async def run(self) -> None:
        reader = CardReader(await self._link(), on_card=self._card,
                            on_refused=lambda why, card: self.on_refused(self.device_id, why),
                            on_state=lambda up, why: self.on_state(self.device_id, up, why),
                            today=lambda: datetime.now(self.tz).date(), poll_s=self.poll_s)
        await reader.run()

    async def _link(self):
        if self.link.scheme == "usb":
            vid, pid, *serial = self.link.target.split(":")
            return UsbSamLink(int(vid, 16), int(pid, 16), serial[0] if serial else None,
                              backend=self.usb_backend)
        baud, fmt = family(self.cfg.devices[self.device_id].family).line_settings(self.link)
        line = DeviceLine(self.link.line_key, baud, fmt)
        path = await line.wait_for_port(
            self.cfg, lambda: self.on_state(self.device_id, False, "simulator not running"))
        # An unplugged adapter shows as silence: the reader goes offline after three polls.
        return SerialSamLink(path, baud=baud, fmt=fmt, on_port=lambda up, why: None)

    def _card(self, card: Card) -> None:
        self.on_card(self.device_id, IdCard(name=card.name, id_number=card.id_number,
                                            birth=card.birth, valid_to=card.valid_to))
