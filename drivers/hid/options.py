"""Hall-config options of USB HID keypads, typed; `hallctl config check` validates them."""

from __future__ import annotations

from evdev import ecodes
from pydantic import Field, field_validator

from hallkit.config.issues import closest
from hallkit.keypad import BUTTON_KEYS, KEYS
from hallkit.plugins.family import Options, refuse

NAMED = ", ".join(k for k in KEYS if k in BUTTON_KEYS)


def check_keymap(keymap: dict[str, str]) -> list[str]:
    """Problems with a hid-keypad keymap from the hall config (empty when fine)."""
    problems = []
    for key, action in keymap.items():
        if key not in ecodes.ecodes or not key.startswith("KEY_"):
            problems.append(f"{key!r} is not an evdev key name such as KEY_KP1")
        if action not in BUTTON_KEYS:
            near = closest(action, sorted(BUTTON_KEYS))
            problems.append(f"{key}: {action!r} is not a keypad key"
                            + (f" (did you mean {near!r}?)" if near else "")
                            + f"; keys: 0-9, {NAMED}")
    return problems


class HidKeypadOptions(Options):
    keymap: dict[str, str] | None = Field(None, description=(
        "evdev key = keypad key, over the default numeric-pad map, e.g. { KEY_F1 = \"call\" }"))

    @field_validator("keymap")
    @classmethod
    def _check(cls, keymap: dict[str, str] | None) -> dict[str, str] | None:
        refuse(check_keymap(keymap) if keymap else [])
        return keymap
