"""The simulator host's part of the bus contract, built from the families' simulator actions:
``hallctl sim ACTION DEVICE …`` is ``cmd/ACTION`` on ``hall/<hall>/sim/main``."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import BaseModel, Field, create_model

from hallkit.config.model import DEVICE_ID
from hallkit.contract.spec import Body, Command, Contract
from hallkit.plugins import SimAction, families

log = logging.getLogger(__name__)
SIM_COMPONENT = "sim"
SIM_USER = "sim"  # the simulator host's bus user


class Show(Body):
    """No arguments: every simulated device."""


class Shown(Body):
    devices: dict[str, str] = Field(description="device id → what it shows now, in one line")


class Done(Body):
    ok: bool = Field(description="false: the device did not react as a real one would (e.g. no echo)")
    text: str = Field(description="what happened, for a person")
    detail: dict[str, Any] = Field(default_factory=dict, description="the simulator's own figures")


def request_model(action: SimAction) -> type[BaseModel]:
    fields: dict[str, Any] = {"device": (DEVICE_ID, Field(description="device id"))}
    for arg in action.args:
        default = arg.default if arg.optional or arg.flag else ...
        fields[arg.name] = (str | None if default is None else str,
                            Field(default, max_length=64, description=arg.help))
    return create_model(f"Sim_{action.name}", __base__=Body, __doc__=action.help, **fields)


RESERVED = frozenset({"run", "show", "escpos"})  # hallctl sim's own subcommands


def sim_actions() -> dict[str, SimAction]:
    """Every control action the installed families' simulators offer, by name. Two families
    may offer the same action if they take the same arguments; an action that clashes with
    another or with hallctl's own is left out and logged, never fatal."""
    out: dict[str, SimAction] = {}
    for fam in families().values():
        for action in fam.simulator.actions if fam.simulator else ():
            known = out.get(action.name)
            shape = [(a.name, a.flag, a.optional) for a in action.args]
            problem = (
                "clashes with hallctl sim's own subcommand" if action.name in RESERVED else
                "names an argument 'device'" if "device" in [a.name for a in action.args] else
                "takes other arguments than another family's action of that name"
                if known and [(a.name, a.flag, a.optional) for a in known.args] != shape else None)
            if problem:
                log.error("family %s: simulator action %r %s; left out", fam.name, action.name, problem)
            elif known is None:
                out[action.name] = action
    return out


def sim_contract() -> Contract:
    commands = [Command(SIM_COMPONENT, "show", Show, Shown, ("ops",),
                        "What every simulated device shows now.", readonly=True)]
    examples: dict[tuple[str, str], dict] = {(SIM_COMPONENT, "show"): {}}
    for action in sim_actions().values():
        commands.append(Command(SIM_COMPONENT, action.name, request_model(action), Done, ("ops",),
                                f"Simulators: {action.help}", readonly=True))
        examples[SIM_COMPONENT, action.name] = {"device": action.example_device, **{
            a.name: a.example for a in action.args if a.example is not None}}
    return Contract(commands=tuple(commands), examples=examples)
