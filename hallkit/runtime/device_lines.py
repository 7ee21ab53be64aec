"""What device daemons share about their lines: which devices sit on which serial line (or
simulated one), at which setting, waiting for a line's port to appear, and which devices
one family port drives."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from hallkit.config.links import Link
from hallkit.config.model import HallConfig
from hallkit.drivers.sim.lines import port_path
from hallkit.plugins import family

T = TypeVar("T")


@dataclass
class DeviceLine(Generic[T]):
    """One RS-485 line (``serial:/dev/…``) or simulated line (``sim:NAME``) and what is on it."""

    key: str
    baud: int
    fmt: str
    members: dict[int, T] = field(default_factory=dict)  # by address

    def path(self, cfg: HallConfig) -> str | None:
        return port_path(cfg, self.key)

    async def wait_for_port(self, cfg: HallConfig, missing: Callable[[], None],
                            every: float = 1.0) -> str:
        """The port to open; until a simulator has published it, ``missing()`` each round."""
        while (path := self.path(cfg)) is None:
            missing()
            await asyncio.sleep(every)
        return path


@dataclass
class PortGroup:
    """The devices one family port drives: a shared line's, or one device alone on its link."""

    family: str
    link: Link
    members: dict[str, int | None] = field(default_factory=dict)  # device id → address


def port_groups(cfg: HallConfig, device_ids) -> list[PortGroup]:
    """``device_ids`` grouped as their families drive them: by line where the family shares
    a line between addressed devices, else one by one."""
    groups: dict[tuple[str, str], PortGroup] = {}
    for dev_id in device_ids:
        dev = cfg.devices[dev_id]
        shared = family(dev.family).address is not None
        key = (dev.family, dev.link.line_key if shared else dev_id)
        group = groups.setdefault(key, PortGroup(dev.family, dev.link))
        group.members[dev_id] = dev.address if shared else None
    return list(groups.values())
