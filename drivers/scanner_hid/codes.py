"""Keyboard-wedge scanners: evdev key events back into the line the scanner typed. Pure.

A scanner types a code as key presses ending in Enter. Acts on key down, follows the
shift keys, keeps printable ASCII only, caps a line at MAX_SCAN characters, and drops a
line with more than 300 ms between two keys (a person typing, not a scanner): what was
typed before such a pause is dropped, and the line starts afresh with the next key, so a
stray key never spoils the next scan.
"""

from __future__ import annotations

from evdev import InputEvent, ecodes

from hallkit.readers import MAX_SCAN

KEY_DOWN, KEY_UP = 1, 0
GAP_S = 0.3
SHIFTS = {"KEY_LEFTSHIFT", "KEY_RIGHTSHIFT"}
ENTERS = {"KEY_ENTER", "KEY_KPENTER"}

_PLAIN = {**{f"KEY_{c}": c.lower() for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
          **{f"KEY_{d}": d for d in "0123456789"},
          "KEY_SPACE": " ", "KEY_MINUS": "-", "KEY_EQUAL": "=", "KEY_LEFTBRACE": "[",
          "KEY_RIGHTBRACE": "]", "KEY_BACKSLASH": "\\", "KEY_SEMICOLON": ";",
          "KEY_APOSTROPHE": "'", "KEY_GRAVE": "`", "KEY_COMMA": ",", "KEY_DOT": ".",
          "KEY_SLASH": "/", **{f"KEY_KP{d}": d for d in "0123456789"}, "KEY_KPMINUS": "-",
          "KEY_KPPLUS": "+", "KEY_KPASTERISK": "*", "KEY_KPSLASH": "/", "KEY_KPDOT": "."}
_SHIFTED = {**{f"KEY_{c}": c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},
            **dict(zip((f"KEY_{d}" for d in "1234567890"), "!@#$%^&*()", strict=True)),
            "KEY_MINUS": "_", "KEY_EQUAL": "+", "KEY_LEFTBRACE": "{", "KEY_RIGHTBRACE": "}",
            "KEY_BACKSLASH": "|", "KEY_SEMICOLON": ":", "KEY_APOSTROPHE": '"', "KEY_GRAVE": "~",
            "KEY_COMMA": "<", "KEY_DOT": ">", "KEY_SLASH": "?"}


def _name(code: int) -> str:
    names = ecodes.KEY.get(code, "")
    return names[0] if isinstance(names, list) else names


class ScanDecoder:
    def __init__(self) -> None:
        self.shift = False
        self.buf: list[str] = []
        self.spoiled: str | None = None  # why the line being typed will be dropped
        self.last: float | None = None
        self.dropped: dict[str, int] = {}  # lines dropped, by reason

    def feed(self, event: InputEvent) -> str | None:
        """The code when ``event`` completes one; None otherwise."""
        if event.type != ecodes.EV_KEY:
            return None
        name = _name(event.code)
        if name in SHIFTS:
            self.shift = event.value != KEY_UP
            return None
        if event.value != KEY_DOWN:
            return None  # key up, or auto-repeat
        t = event.timestamp()
        if self.last is not None and t - self.last > GAP_S and (self.buf or self.spoiled):
            self._drop(self.spoiled or "typed by hand")
        self.last = t
        if name in ENTERS:
            return self._end()
        char = (_SHIFTED if self.shift else _PLAIN).get(name)
        if char is None:
            self.spoiled = self.spoiled or "not printable ASCII"
        elif len(self.buf) >= MAX_SCAN:
            self.spoiled = self.spoiled or f"longer than {MAX_SCAN} characters"
        else:
            self.buf.append(char)
        return None

    def _end(self) -> str | None:
        code, why = "".join(self.buf), self.spoiled
        self.buf, self.spoiled, self.last = [], None, None
        if why:
            self._drop(why)
            return None
        return code or None

    def _drop(self, why: str) -> None:
        self.dropped[why] = self.dropped.get(why, 0) + 1
        self.buf, self.spoiled = [], None
