"""What a window display shows, whatever the family: a screen of two lines in a mode,
and the port through which the display daemon gives each display its screen.

The display daemon decides the screen (daemons/display/screens.py); a family turns it
into its wire (Modbus registers, retained JSON, …).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from pydantic import BaseModel


@dataclass(frozen=True)
class Screen:
    mode: str = "idle"  # idle, calling, serving, paused, closed
    line1: str = ""
    line2: str = ""
    blink_s: int = 10  # only the calling screen blinks
    brightness: int = 8  # 0-15


Publish = Callable[[str, BaseModel], None]  # a retained state to the bus (MQTT screens)


class DisplayPort(Protocol):
    """One display family's displays on one link, as the display daemon drives them.

    A window-display family's ``driver`` names the class, built as
    ``Port(cfg, link, members, on_state, publish)``: ``members`` maps each device id to
    its address on a shared line (None when alone on its link); the port calls
    ``on_state(device_id, up, why)`` as displays come and go, and may publish retained
    state through ``publish(topic, model)`` (a screen that is a bus client itself).
    """

    async def run(self) -> None:
        """Open the link and keep the displays fed; until cancelled."""

    def show(self, device_id: str, screen: Screen, again: bool = False) -> None:
        """Give the display ``screen``; write it even if shown already when ``again`` (a
        recall: the display blinks afresh)."""

    def bus_back(self) -> None:
        """The bus connection is back: what was kept on the broker (retained screens) may be
        gone or stale with it, so the next ``show`` must not take it as shown."""
