"""The hall's window displays: Modbus RTU lines and MQTT LCD screens."""

from __future__ import annotations

from dataclasses import dataclass

from hallkit.config.model import HallConfig
from hallkit.runtime.device_lines import DeviceLine, group_by_line


@dataclass
class Display:
    device_id: str
    window: int
    label: str
    address: int | None
    blink_s: int
    brightness: int
    welcome: str


def displays_of(cfg: HallConfig) -> tuple[dict[str, DeviceLine[Display]], list[Display]]:
    """(Modbus lines, MQTT LCD displays) of the windows that have a display."""
    window_of = {w.display: w for w in cfg.windows if w.display}
    displays: dict[str, Display] = {}
    for dev_id, dev in cfg.devices_of("window_display").items():
        if dev_id not in window_of:
            continue
        w, opts = window_of[dev_id], cfg.options(dev_id)
        displays[dev_id] = Display(dev_id, w.number, w.label_zh, dev.address,
                                   getattr(opts, "blink_seconds", 10), getattr(opts, "brightness", 8),
                                   opts.welcome)
    lcds = [d for dev_id, d in displays.items() if cfg.devices[dev_id].family == "mqtt-lcd"]
    return group_by_line(cfg, displays, "modbus-window"), lcds
