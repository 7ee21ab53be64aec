"""What a device family declares about itself.

A family's package (``drivers/<family>/__init__.py``) exports one ``Family``.
Keep that module light: config checks import it, so its codec, driver and
simulator are named as import paths (``"module:attribute"``) and loaded only by
what runs them.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict

from hallkit.config.links import SCHEMES as LINK_SCHEMES
from hallkit.config.model import WIRED_KINDS as DEVICE_KINDS


class Options(BaseModel):
    """Base of a family's options model: typed as written in TOML (no "8" for 8), no
    unknown keys, frozen. Give every field a default, a range where it has one and a
    description: `hallctl config check` and the docs show them."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def refuse(problems: list[str]) -> None:
    """For an options validator: the problems found, as one error (none: nothing to say)."""
    if problems:
        raise ValueError("; ".join(problems))


def load_attr(path: str) -> Any:
    """``"package.module:attribute"`` → the attribute (``"package.module"`` → the module)."""
    module, _, attr = path.partition(":")
    loaded = importlib.import_module(module)
    return getattr(loaded, attr) if attr else loaded


@dataclass(frozen=True)
class SimArg:
    """One argument of a simulator control action, as `hallctl sim` takes it."""

    name: str
    help: str
    optional: bool = False
    flag: bool = False  # given as --name VALUE rather than positionally
    default: str | None = None
    example: str | None = None  # for docs/bus.md


@dataclass(frozen=True)
class SimAction:
    """A control action of a family's simulator: `hallctl sim NAME DEVICE ARGS…`, sent to
    the simulator host as ``cmd/NAME`` with ``{"device": …, ARG: …}``."""

    name: str
    help: str
    args: tuple[SimArg, ...] = ()
    example_device: str = "device-1"  # for docs/bus.md


@dataclass(frozen=True)
class SimDevice:
    """A simulated device as its simulator gets it."""

    id: str
    address: int | None
    options: BaseModel
    config: BaseModel | None = None  # the device's entry in the hall config (e.g. a board's locks)


@dataclass(frozen=True)
class SimLine:
    """What a simulator is started with: one ``sim://NAME`` and the devices on it."""

    name: str
    devices: tuple[SimDevice, ...]
    baud: int
    fmt: str
    workdir: Path  # where it may keep files (the printer draws its tickets there)


class Simulator(Protocol):
    """What the simulator host drives; a family's ``SimSpec.factory`` builds one per line."""

    async def start(self) -> dict[str, Any]:
        """Open the pty or port; return where it listens: {"path": pty} or {"host", "port"}."""

    async def close(self) -> None: ...

    def shows(self, device: SimDevice) -> str:
        """What the device shows now, in one line (for `hallctl sim show`)."""

    async def act(self, action: str, device: SimDevice, args: Mapping[str, Any]) -> dict[str, Any]:
        """Carry out a control action; the answer has ``text`` for a person and ``ok`` (bool).
        Raise ValueError with a sentence for arguments the device cannot take."""


@dataclass(frozen=True)
class SimSpec:
    factory: str  # "module:Class" (or a callable) taking a SimLine, giving a Simulator
    shared_line: bool  # one simulator for every device on a sim:// name (addressed), else one each
    actions: tuple[SimAction, ...] = ()


@dataclass(frozen=True)
class Family:
    name: str  # what a technician writes as family = "…"
    kind: str  # the device kind it drives (one of DEVICE_KINDS)
    links: frozenset[str]  # link schemes it accepts
    options: type[BaseModel]  # typed options with defaults and ranges
    summary: str
    codec: str  # import path of the pure codec module
    driver: str  # import path of the driver ("module:Class")
    simulator: SimSpec | None = None
    protocol: str = ""  # what is spoken on a shared line; default: the family's name
    address: tuple[int, int] | None = None  # inclusive range on a shared line; None: not addressed
    serial: str = "9600,8N1"  # default baud,format when the link does not say

    def __post_init__(self) -> None:
        links = frozenset(self.links.split() if isinstance(self.links, str) else self.links)
        object.__setattr__(self, "links", links)
        object.__setattr__(self, "protocol", self.protocol or self.name)
        problems = [f"unknown link scheme {s!r}" for s in links if s not in LINK_SCHEMES]
        if self.kind not in DEVICE_KINDS:
            problems.append(f"unknown device kind {self.kind!r} (kinds: {', '.join(DEVICE_KINDS)})")
        if "sim" in links and self.simulator is None:
            problems.append("accepts sim:// links but declares no simulator")
        if problems:
            raise ValueError(f"family {self.name!r}: {'; '.join(problems)}")

    def line_settings(self, link) -> tuple[int, str]:
        """(baud, format) of a serial or simulated line: the link's, else the family's default."""
        baud, fmt = self.serial.split(",")
        return link.baud or int(baud), link.format or fmt

    @property
    def is_bus_client(self) -> bool:
        """Devices that speak MQTT themselves get a broker user of their own."""
        return "mqtt" in self.links
