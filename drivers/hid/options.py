"""Hall-config options of USB HID keypads, typed; `hallctl config check` validates them."""

from __future__ import annotations

from evdev import ecodes
from pydantic import Field, field_validator

from hallkit.drivers.ff68.codec import CONFIRM_FUNCTIONS, DEFAULT_KEYMAP
from hallkit.plugins.family import Options

CONFIRMS = ", ".join(f"confirm:{c:02x}" for c in CONFIRM_FUNCTIONS)


def check_keymap(keymap: dict[str, str]) -> list[str]:
    """Problems with a hid-keypad keymap from the hall config (empty when fine)."""
    problems = []
    for key, action in keymap.items():
        if key not in ecodes.ecodes or not key.startswith("KEY_"):
            problems.append(f"{key!r} is not an evdev key name such as KEY_KP1")
        name, _, function = action.partition(":")
        if name not in DEFAULT_KEYMAP or (function and name != "confirm"):
            problems.append(f"{key}: {action!r} is not a keypad key (call, recall, 0-9, …, "
                            "confirm:03)")
        elif name == "confirm" and not _confirm_code(function):
            problems.append(f"{key}: confirm needs a function: {CONFIRMS}")
    return problems


def _confirm_code(function: str) -> bool:
    try:
        return int(function, 16) in CONFIRM_FUNCTIONS
    except ValueError:  # "zz", "": not hex at all
        return False


class HidKeypadOptions(Options):
    keymap: dict[str, str] | None = Field(None, description=(
        "evdev key = keypad key, over the default numeric-pad map, e.g. { KEY_F1 = \"call\" }"))

    @field_validator("keymap")
    @classmethod
    def _check(cls, keymap: dict[str, str] | None) -> dict[str, str] | None:
        problems = check_keymap(keymap) if keymap else []
        if problems:
            raise ValueError("; ".join(problems))
        return keymap
