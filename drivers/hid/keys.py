"""Key events of a USB numeric pad used as a clerk keypad: pure, built from evdev codes.

Acts on key down (value 1), ignores auto-repeat (2) and key up (0). Each evdev key
name maps to a key of the keypad vocabulary (hallkit.keypad), which every keypad
family speaks, so the keypad daemon's sequences serve them all.
"""

from __future__ import annotations

from evdev import InputEvent, ecodes

KEY_DOWN = 1

# A plain numeric pad: digits, + call, - recall, * end, / pause, Backspace clear,
# Enter calls the typed number (回呼), . marks no-show, NumLock logs in the typed clerk.
DEFAULT_HID_KEYMAP: dict[str, str] = {
    **{f"KEY_KP{d}": str(d) for d in range(10)},
    "KEY_KPPLUS": "call", "KEY_KPMINUS": "recall", "KEY_KPASTERISK": "end",
    "KEY_KPSLASH": "pause", "KEY_BACKSPACE": "clear", "KEY_KPENTER": "call_typed",
    "KEY_KPDOT": "no_show", "KEY_NUMLOCK": "login",
}


def key_for(event: InputEvent, keymap: dict[str, str] | None = None) -> tuple[str, bytes] | None:
    """(keypad key, data) for a key-down event the keymap knows; None for anything else."""
    if event.type != ecodes.EV_KEY or event.value != KEY_DOWN:
        return None
    names = ecodes.KEY.get(event.code)
    mapping = {**DEFAULT_HID_KEYMAP, **(keymap or {})}
    for name in names if isinstance(names, list) else [names]:
        key = mapping.get(name)
        if key:
            return key, b""
    return None
