"""A HID rating pad's buttons as levels: key down only, by a key map (the pad's buttons
left to right are 非常满意 … 非常不满意; a 3-button pad gives 5, 3, 1, as the FF 68 pads do)."""

from __future__ import annotations

from collections.abc import Callable

from evdev import ecodes
from pydantic import Field, field_validator, model_validator

from hallkit.drivers.hid.reader import DeviceReader
from hallkit.plugins.family import Options

CHANNEL = "window-pad"
DEFAULT_KEYS = {5: ("KEY_1", "KEY_2", "KEY_3", "KEY_4", "KEY_5"), 3: ("KEY_1", "KEY_2", "KEY_3")}
LEVELS_BY_BUTTON = {5: (5, 4, 3, 2, 1), 3: (5, 3, 1)}


class HidRatingOptions(Options):
    buttons: int = Field(5, description="3 or 5 buttons")
    keymap: dict[str, int] | None = Field(None, description=(
        "evdev key name → level 1-5, for a pad whose buttons send other keys, e.g. "
        "{ KEY_F1 = 5, KEY_F2 = 3, KEY_F3 = 1 }"))

    @field_validator("buttons")
    @classmethod
    def _buttons(cls, n: int) -> int:
        if n not in (3, 5):
            raise ValueError("a rating pad has 3 or 5 buttons")
        return n

    @model_validator(mode="after")
    def _keys(self) -> HidRatingOptions:
        for name, level in (self.keymap or {}).items():
            if name not in ecodes.ecodes or not name.startswith(("KEY_", "BTN_")):
                raise ValueError(f"{name!r} is not an evdev key name such as KEY_1")
            if not 1 <= level <= 5:
                raise ValueError(f"{name}: level {level} is not 1-5")
        return self

    def levels(self) -> dict[int, int]:
        """evdev key code → level."""
        names = self.keymap or dict(zip(DEFAULT_KEYS[self.buttons], LEVELS_BY_BUTTON[self.buttons],
                                        strict=True))
        return {ecodes.ecodes[name]: level for name, level in names.items()}


def level_for(event, levels: dict[int, int]) -> int | None:
    """A button pressed (key down, not its release or auto-repeat): its level."""
    if event.type != ecodes.EV_KEY or event.value != 1:
        return None
    return levels.get(event.code)


class HidRatingPad:
    """One pad on its evdev link: ``on_level(device, level)`` per press, ``on_state`` per plug."""

    def __init__(self, device_id: str, path: str, options: HidRatingOptions,
                 on_level: Callable[[str, int], None],
                 on_state: Callable[[str, bool, str | None], None]) -> None:
        levels = options.levels()

        def event(ev) -> None:
            level = level_for(ev, levels)
            if level is not None:
                on_level(device_id, level)

        self.reader = DeviceReader(path, event, lambda up, why: on_state(device_id, up, None if up else why))

    async def run(self) -> None:
        await self.reader.run()

    def close(self) -> None:
        self.reader.close()
