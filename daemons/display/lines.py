"""The hall's window displays, by line: Modbus RTU lines and MQTT LCD screens."""

from __future__ import annotations

from dataclasses import dataclass, field

from hallkit.config.model import HallConfig
from hallkit.drivers.families import FAMILIES
from hallkit.drivers.sim.lines import port_path


@dataclass
class Display:
    device_id: str
    window: int
    label: str
    address: int | None
    blink_s: int
    brightness: int
    welcome: str


@dataclass
class Line:
    key: str  # serial:/dev/… or sim://NAME
    baud: int
    fmt: str
    displays: dict[int, Display] = field(default_factory=dict)  # by address

    def path(self, cfg: HallConfig) -> str | None:
        return port_path(cfg, self.key)


def displays_of(cfg: HallConfig) -> tuple[dict[str, Line], list[Display]]:
    """(Modbus lines, MQTT LCD displays) of the windows that have a display."""
    window_of = {w.display: w for w in cfg.windows if w.display}
    lines: dict[str, Line] = {}
    lcds: list[Display] = []
    for dev_id, dev in cfg.devices.items():
        if dev.kind != "window_display" or dev_id not in window_of:
            continue
        w = window_of[dev_id]
        opts = dev.options
        display = Display(dev_id, w.number, w.label_zh, dev.address,
                          int(opts.get("blink_seconds", 10)), int(opts.get("brightness", 8)),
                          str(opts.get("welcome", "欢迎光临")))
        if dev.family == "mqtt-lcd":
            lcds.append(display)
        elif dev.family == "modbus-window":
            baud, fmt = FAMILIES[dev.family].serial.split(",")
            line = lines.setdefault(dev.link.line_key, Line(
                dev.link.line_key, dev.link.baud or int(baud), dev.link.format or fmt))
            line.displays[dev.address] = display
    return lines, lcds
