"""LCD and Android window screens that are bus clients themselves, as the display daemon
drives them (hallkit.display.DisplayPort): each one's screen is published as retained
JSON on its own topic, once per change (again for a recall)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from hallkit.config.links import Link
from hallkit.config.model import HallConfig
from hallkit.contract.topics import Topics
from hallkit.display import Publish, Screen
from hallkit.drivers.mqtt_lcd.codec import LcdScreen


class LcdPort:
    def __init__(self, cfg: HallConfig, link: Link, members: dict[str, int | None],
                 on_state: Callable[[str, bool, str | None], None], publish: Publish) -> None:
        (self.device_id,) = members  # one screen per link
        self.window = next(w.number for w in cfg.windows if w.display == self.device_id)
        self.topic = Topics(cfg.hall.id, "window_display", self.device_id).state
        self.on_state, self.publish = on_state, publish
        self.shown: LcdScreen | None = None

    async def run(self) -> None:
        # The screen reads its retained state whenever it connects: nothing to open here.
        self.on_state(self.device_id, True, None)
        await asyncio.Event().wait()

    def bus_back(self) -> None:
        self.shown = None  # the broker may have restarted without its retained screens

    def show(self, device_id: str, screen: Screen, again: bool = False) -> None:
        lcd = LcdScreen(window=self.window, mode=screen.mode, line1=screen.line1,
                        line2=screen.line2, blink_s=screen.blink_s, brightness=screen.brightness)
        if lcd != self.shown or again:
            self.shown = lcd
            self.publish(self.topic, lcd)
