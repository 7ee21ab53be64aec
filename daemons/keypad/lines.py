"""Where each keypad is: from the hall config to lines, USB pads and sessions."""

from __future__ import annotations

from dataclasses import dataclass

from hallkit.config.model import HallConfig
from hallkit.daemons.keypad.keys import KeypadSession
from hallkit.runtime.device_lines import DeviceLine, group_by_line


@dataclass
class Pad:
    """A keypad on an FF 68 line."""

    device_id: str
    addr: int
    session: KeypadSession


@dataclass
class HidPad:
    """A USB numeric pad used as a keypad (evdev): no LED, same key sequences."""

    device_id: str
    path: str
    keymap: dict[str, str] | None
    session: KeypadSession


def _session(cfg: HallConfig, window) -> KeypadSession:
    return KeypadSession(window=window.number, services=window.services,
                         prefixes={s.code: s.prefix for s in cfg.services},
                         digits_of={s.code: s.number_digits for s in cfg.services},
                         hall_services=[s.code for s in cfg.services],
                         ask_pin=bool(cfg.clerks))


def _keypads(cfg: HallConfig, family: str) -> dict[str, object]:
    """device id → window, for the keypads of ``family`` that a window has."""
    window_of = {w.keypad: w for w in cfg.windows if w.keypad}
    return {dev_id: window_of[dev_id] for dev_id, dev in cfg.devices_of("keypad").items()
            if dev.family == family and dev_id in window_of}


def hid_pads(cfg: HallConfig) -> list[HidPad]:
    return [HidPad(dev_id, cfg.devices[dev_id].link.target, cfg.options(dev_id).keymap,
                   _session(cfg, window)) for dev_id, window in _keypads(cfg, "hid-keypad").items()]


def keypad_lines(cfg: HallConfig) -> dict[str, DeviceLine[Pad]]:
    """FF 68 keypads of the hall grouped by line, each with the session of its window."""
    pads = {dev_id: Pad(dev_id, cfg.devices[dev_id].address, _session(cfg, window))
            for dev_id, window in _keypads(cfg, "ff68").items()}
    return group_by_line(cfg, pads, "ff68")


def line_keymap(cfg: HallConfig, line: DeviceLine[Pad]) -> dict[str, int] | None:
    """The key codes of a line's keypads: one keymap per line (the first one given)."""
    return next((k for pad in line.members.values() if (k := cfg.options(pad.device_id).keymap)), None)
