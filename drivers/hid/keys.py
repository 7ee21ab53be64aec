"""Key events of a USB numeric pad used as a clerk keypad: pure, built from evdev codes.

Acts on key down (value 1), ignores auto-repeat (2) and key up (0). Each key name
maps to a keypad key (the same names as the FF 68 keypads, so the keypad daemon's
sequences serve both); ``confirm`` keys carry their function, e.g. ``confirm:03``.
"""

from __future__ import annotations

from evdev import InputEvent, ecodes

from hallkit.drivers.ff68.codec import CONFIRM_FUNCTIONS, DEFAULT_KEYMAP

KEY_DOWN = 1

# A plain numeric pad: digits, + call, - recall, * end, / pause, Backspace clear,
# Enter calls the typed number (回呼), . marks no-show, NumLock logs in the typed clerk.
DEFAULT_HID_KEYMAP: dict[str, str] = {
    **{f"KEY_KP{d}": str(d) for d in range(10)},
    "KEY_KPPLUS": "call", "KEY_KPMINUS": "recall", "KEY_KPASTERISK": "end",
    "KEY_KPSLASH": "pause", "KEY_BACKSPACE": "clear", "KEY_KPENTER": "confirm:03",
    "KEY_KPDOT": "confirm:06", "KEY_NUMLOCK": "login",
}


def check_keymap(keymap: dict[str, str]) -> list[str]:
    """Problems with a hid-keypad keymap from the hall config (empty when fine)."""
    problems = []
    for key, action in keymap.items():
        if key not in ecodes.ecodes or not key.startswith("KEY_"):
            problems.append(f"{key!r} is not an evdev key name such as KEY_KP1")
        name, _, function = str(action).partition(":")
        if name not in DEFAULT_KEYMAP or (function and name != "confirm"):
            problems.append(f"{key}: {action!r} is not a keypad key (call, recall, 0-9, …, "
                            "confirm:03)")
        elif name == "confirm" and (not function or int(function, 16) not in CONFIRM_FUNCTIONS):
            problems.append(f"{key}: confirm needs a function: "
                            f"{', '.join(f'confirm:{c:02x}' for c in CONFIRM_FUNCTIONS)}")
    return problems


def key_for(event: InputEvent, keymap: dict[str, str] | None = None) -> tuple[str, bytes] | None:
    """(keypad key, data) for a key-down event the keymap knows; None for anything else."""
    if event.type != ecodes.EV_KEY or event.value != KEY_DOWN:
        return None
    names = ecodes.KEY.get(event.code)
    mapping = {**DEFAULT_HID_KEYMAP, **(keymap or {})}
    for name in names if isinstance(names, list) else [names]:
        action = mapping.get(name)
        if action:
            key, _, function = action.partition(":")
            return key, bytes.fromhex(function) if function else b""
    return None


def check_options(options: dict) -> list[tuple[str, str]]:
    """(option, problem) pairs for a hid-keypad device's options (config check)."""
    keymap = options.get("keymap")
    if keymap is None:
        return []
    if not isinstance(keymap, dict):
        return [("keymap", "keymap is a table of evdev key = keypad key, e.g. { KEY_F1 = \"call\" }")]
    return [("keymap", problem) for problem in check_keymap({k: str(v) for k, v in keymap.items()})]
