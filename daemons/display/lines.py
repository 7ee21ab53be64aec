"""The hall's window displays: which window each stands at, and how it shows that window."""

from __future__ import annotations

from dataclasses import dataclass

from hallkit.config.model import HallConfig


@dataclass
class Display:
    device_id: str
    window: int
    label: str
    blink_s: int
    brightness: int
    welcome: str


def displays_of(cfg: HallConfig) -> dict[str, Display]:
    """device id → the display of each window that has one."""
    out = {}
    for w in cfg.windows:
        if w.display and w.display in cfg.devices:
            opts = cfg.options(w.display)
            out[w.display] = Display(w.display, w.number, w.label_zh,
                                     getattr(opts, "blink_seconds", 10),
                                     getattr(opts, "brightness", 8), opts.welcome)
    return out
