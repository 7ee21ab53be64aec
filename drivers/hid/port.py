"""A USB numeric pad used as a clerk keypad, as the keypad daemon drives it (KeypadPort).

It has no display: what a keypad would show is logged, and the clerk reads the
window display and the console.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from hallkit.config.links import Link
from hallkit.config.model import HallConfig
from hallkit.drivers.hid.keys import key_for
from hallkit.drivers.hid.reader import DeviceReader

log = logging.getLogger(__name__)


class HidPort:
    def __init__(self, cfg: HallConfig, link: Link, members: dict[str, int | None],
                 on_key: Callable[[str, str, bytes], None],
                 on_state: Callable[[str, bool, str | None], None]) -> None:
        (self.device_id,) = members  # one pad per link
        keymap = cfg.options(self.device_id).keymap
        self.reader = DeviceReader(
            link.target, lambda event: self._event(event, keymap, on_key),
            lambda up, why: on_state(self.device_id, up, None if up else why))

    def _event(self, event, keymap, on_key) -> None:
        key = key_for(event, keymap)
        if key is not None:
            on_key(self.device_id, *key)

    async def run(self) -> None:
        await self.reader.run()

    def show(self, device_id: str, text: str, beep: int = 0) -> None:
        # No display: a refusal (it beeps on a keypad) is worth a line; the idle view is not.
        if text:
            (log.info if beep else log.debug)("%s: %s", device_id, text)

    def start_rating(self, device_id: str) -> None:
        log.info("%s has no rating buttons; the window's rating device asks instead", device_id)
