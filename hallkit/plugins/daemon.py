"""What a daemon declares about itself.

A daemon's package (``daemons/<name>/__init__.py``) exports one ``DaemonSpec``:
its name and start order, where its class is, its bus contract (commands with
who may send each, retained states, events, examples) and the topic components
it publishes besides its own (device kinds it drives, entities it owns), and
its own section of the hall config with the model that types it. The ACL,
docs/bus.md, ``hallctl up``, ``hallctl run``, the systemd instances and the
config checks are derived from these.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from hallkit.contract.spec import Contract
from hallkit.plugins.family import load_attr


@dataclass(frozen=True)
class DaemonSpec:
    name: str  # topic component, bus user daemon-<name>, systemd instance hallkit@<name>
    summary: str
    implementation: str  # "module:Class"; imported only to run it
    contract: Contract
    order: int  # start order: lower first (the hall directory before the queue, …)
    owns: tuple[str, ...] = ()  # topic components it publishes besides its own
    section: str | None = None  # its top-level table in the hall config, e.g. "ticket"
    settings: type[BaseModel] | None = None  # the model of that table; all fields defaulted
    # "module:function": `hallctl up` awaits function(cfg, ops_bus, config_dir) once the hall
    # is online, to import sample data its section names (the demo's); returns a line to show.
    seed: str | None = None

    def load(self) -> type:
        return load_attr(self.implementation)
