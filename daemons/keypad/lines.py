"""Where each keypad is: from the hall config to one port per family and link, and a
session per keypad for the window it stands at."""

from __future__ import annotations

from dataclasses import dataclass, field

from hallkit.config.links import Link
from hallkit.config.model import HallConfig
from hallkit.daemons.keypad.keys import KeypadSession
from hallkit.plugins import family


@dataclass
class PortGroup:
    """The keypads one port drives: a shared line's, or one device alone on its link."""

    family: str
    link: Link
    members: dict[str, int | None] = field(default_factory=dict)  # device id → address


def session_for(cfg: HallConfig, window) -> KeypadSession:
    return KeypadSession(window=window.number, services=window.services,
                         prefixes={s.code: s.prefix for s in cfg.services},
                         digits_of={s.code: s.number_digits for s in cfg.services},
                         hall_services=[s.code for s in cfg.services],
                         ask_pin=bool(cfg.clerks))


def keypad_windows(cfg: HallConfig) -> dict[str, object]:
    """device id → the window of each keypad that a window has."""
    return {w.keypad: w for w in cfg.windows if w.keypad and w.keypad in cfg.devices}


def port_groups(cfg: HallConfig) -> list[PortGroup]:
    """The keypads at windows, grouped as their families drive them: by line where the
    family shares a line between addressed keypads, else one by one."""
    groups: dict[tuple[str, str], PortGroup] = {}
    for dev_id in keypad_windows(cfg):
        dev = cfg.devices[dev_id]
        shared = family(dev.family).address is not None
        key = (dev.family, dev.link.line_key if shared else dev_id)
        group = groups.setdefault(key, PortGroup(dev.family, dev.link))
        group.members[dev_id] = dev.address if shared else None
    return list(groups.values())
