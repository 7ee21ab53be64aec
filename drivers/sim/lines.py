"""Which lines of a hall are simulated, and where their ptys are: light, for the daemons,
the supervisor and the ACL writer (the simulators themselves live in host.py)."""

from __future__ import annotations

import json
from pathlib import Path

from hallkit.config.model import HallConfig

SIM_USER = "sim"  # the simulator host's bus user
SIMULATED = frozenset({("keypad", "ff68"), ("window_display", "modbus-window")})  # on shared lines
SIMULATED_ALONE = frozenset({("printer", "escpos")})  # a simulator each (TCP, like port 9100)


def sim_runfile(cfg: HallConfig, name: str) -> Path:
    return cfg.storage_path / "run" / "sim" / f"{name}.json"


def sim_endpoint(cfg: HallConfig, name: str) -> dict | None:
    """Where the running simulator of ``sim://NAME`` listens: {"path": pty} or {"host", "port"};
    None until it is up."""
    runfile = sim_runfile(cfg, name)
    return json.loads(runfile.read_text()) if runfile.exists() else None


def port_path(cfg: HallConfig, line_key: str) -> str | None:
    """The port a daemon opens for a line: the device path, or the pty a running simulator
    published for ``sim://NAME`` (None until the simulator is up)."""
    scheme, _, target = line_key.partition(":")
    if scheme == "serial":
        return target
    where = sim_endpoint(cfg, target)
    return where["path"] if where else None


def simulated_lines(cfg: HallConfig) -> dict[str, dict[str, int]]:
    """sim line name -> {device id: address} for the families simulated here."""
    lines: dict[str, dict[str, int]] = {}
    for dev_id, dev in cfg.devices.items():
        if (dev.kind, getattr(dev, "family", None)) in SIMULATED and dev.link.scheme == "sim":
            lines.setdefault(dev.link.target, {})[dev_id] = dev.address
    return lines


def simulated_printers(cfg: HallConfig) -> dict[str, str]:
    """device id -> sim name, for printers on ``sim://NAME``."""
    return {dev_id: dev.link.target for dev_id, dev in cfg.devices.items()
            if (dev.kind, getattr(dev, "family", None)) in SIMULATED_ALONE and dev.link.scheme == "sim"}


def simulated_devices(cfg: HallConfig) -> set[str]:
    """Every device a simulator of this version stands in for; empty: no simulator host."""
    return {dev for devices in simulated_lines(cfg).values() for dev in devices} | set(
        simulated_printers(cfg))
