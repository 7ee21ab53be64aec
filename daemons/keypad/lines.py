"""Where each keypad is: the window it stands at, and a session per keypad for it."""

from __future__ import annotations

from hallkit.config.model import HallConfig
from hallkit.daemons.keypad.keys import KeypadSession


def session_for(cfg: HallConfig, window) -> KeypadSession:
    return KeypadSession(window=window.number, services=window.services,
                         prefixes={s.code: s.prefix for s in cfg.services},
                         digits_of={s.code: s.number_digits for s in cfg.services},
                         hall_services=[s.code for s in cfg.services],
                         ask_pin=bool(cfg.clerks))


def keypad_windows(cfg: HallConfig) -> dict[str, object]:
    """device id → the window of each keypad that a window has."""
    return {w.keypad: w for w in cfg.windows if w.keypad and w.keypad in cfg.devices}
