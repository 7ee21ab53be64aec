"""The bus contract: every topic, its payload model, who publishes and who may send.

Each daemon declares its own part in its contract module (``daemons/<name>/contract.py``)
and the simulator host its part from the families' simulator actions; this
module gathers them. ``docs/bus.md`` is generated from it (``hallctl docs bus``)
and the broker ACL from it together with the hall config.
"""

from __future__ import annotations

from hallkit.contract.spec import (
    CLERK,
    EVERYONE,
    ROLES,
    Command,
    Contract,
    EventTopic,
    StateTopic,
)

__all__ = ["CLERK", "CLIENT_ROLES", "EVERYONE", "ROLES", "Command", "Contract", "EventTopic",
           "StateTopic", "commands", "contracts"]

# Config device kinds that are MQTT clients of their own (apps, and devices whose family
# speaks MQTT), with their sender role.
CLIENT_ROLES: dict[str, str] = {
    "kiosk": "kiosk", "hall_board": "hall_board", "console": "console",
    "rating": "rating", "window_display": "window_display",
}


def contracts() -> dict[str, Contract]:
    """Component name → its contract: every daemon in start order, then the simulator host."""
    from hallkit.drivers.sim.contract import SIM_COMPONENT, sim_contract
    from hallkit.plugins import daemons

    return {**{name: spec.contract for name, spec in daemons().items()}, SIM_COMPONENT: sim_contract()}


def commands() -> tuple[Command, ...]:
    return tuple(c for contract in contracts().values() for c in contract.commands)

