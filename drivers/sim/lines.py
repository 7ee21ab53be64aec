"""Which devices of a hall are simulated, and where their simulators listen: light, for the
daemons, the supervisor and the ACL writer (the simulators run in host.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from hallkit.config.model import HallConfig
from hallkit.plugins import Family, family


@dataclass(frozen=True)
class Simulated:
    """One simulator the host runs: a ``sim://NAME`` and the devices of one family on it."""

    name: str
    family: Family
    devices: tuple[str, ...]


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


def simulators(cfg: HallConfig) -> list[Simulated]:
    """Every simulator the hall config needs: one per shared ``sim://`` line, one per device
    of families simulated alone (a printer on TCP)."""
    found: dict[str, tuple[Family, list[str]]] = {}
    for dev_id, dev in cfg.devices.items():
        link = getattr(dev, "link", None)
        fam = family(getattr(dev, "family", ""))
        if (link is None or link.scheme != "sim" or fam is None or fam.kind != dev.kind
                or fam.simulator is None):
            continue
        found.setdefault(link.target, (fam, []))[1].append(dev_id)
    return [Simulated(name, fam, tuple(devices)) for name, (fam, devices) in found.items()]


def simulated_devices(cfg: HallConfig) -> set[str]:
    """Every device a simulator stands in for; empty: no simulator host."""
    return {dev for sim in simulators(cfg) for dev in sim.devices}
