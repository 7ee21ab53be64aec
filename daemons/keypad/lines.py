"""Where each keypad line is: from the hall config to ports and sessions."""

from __future__ import annotations

from dataclasses import dataclass, field

from hallkit.config.model import HallConfig
from hallkit.daemons.keypad.keys import KeypadSession
from hallkit.drivers.families import FAMILIES
from hallkit.drivers.sim.lines import port_path


@dataclass
class Pad:
    device_id: str
    addr: int
    session: KeypadSession


@dataclass
class Line:
    key: str            # serial:/dev/… or sim://NAME
    baud: int
    fmt: str
    keymap: dict[str, int] | None
    pads: dict[int, Pad] = field(default_factory=dict)  # by address

    def path(self, cfg: HallConfig) -> str | None:
        return port_path(cfg, self.key)


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
                         hall_services=[s.code for s in cfg.services])


def hid_pads(cfg: HallConfig) -> list[HidPad]:
    window_of = {w.keypad: w for w in cfg.windows if w.keypad}
    return [HidPad(dev_id, dev.link.target, dev.options.get("keymap"), _session(cfg, window_of[dev_id]))
            for dev_id, dev in cfg.devices.items()
            if dev.kind == "keypad" and dev.family == "hid-keypad" and dev_id in window_of]


def keypad_lines(cfg: HallConfig) -> dict[str, Line]:
    """FF 68 keypads of the hall grouped by line, each with the session of its window."""
    from hallkit.drivers.ff68.options import parse_keymap

    window_of = {w.keypad: w for w in cfg.windows if w.keypad}
    lines: dict[str, Line] = {}
    for dev_id, dev in cfg.devices.items():
        if dev.kind != "keypad" or dev.family != "ff68" or dev_id not in window_of:
            continue
        fam = FAMILIES[dev.family]
        baud, fmt = fam.serial.split(",")
        key = dev.link.line_key
        keymap = parse_keymap(dev.options["keymap"]) if "keymap" in dev.options else None
        line = lines.setdefault(key, Line(key, dev.link.baud or int(baud), dev.link.format or fmt,
                                          keymap))
        line.pads[dev.address] = Pad(dev_id, dev.address, _session(cfg, window_of[dev_id]))
    return lines
