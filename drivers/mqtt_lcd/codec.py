"""What an MQTT window screen is sent, and its options in the hall config."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from hallkit.contract.envelope import Payload
from hallkit.plugins.family import Options

ScreenMode = Literal["idle", "calling", "serving", "paused", "closed"]


class LcdOptions(Options):
    welcome: str = Field("欢迎光临", min_length=1, max_length=40,
                         description="shown while the window is open and idle")


class LcdScreen(Payload):
    """Retained at ``hall/<hall>/window_display/<device-id>/state`` for an LCD or Android window
    screen (family `mqtt-lcd`): show it as it is. ``calling`` blinks for ``blink_s`` seconds."""

    window: int = Field(description="the window this screen hangs over")
    mode: ScreenMode
    line1: str = Field(description="e.g. 请A012号, or the welcome text when idle")
    line2: str = Field(description="e.g. 3号窗口")
    blink_s: int = Field(ge=0, le=255)
    brightness: int = Field(ge=0, le=15)
