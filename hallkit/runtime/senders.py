"""Who sent a command: the broker user named in its topic, with the role and the things
(its kiosk, its window) the hall config gives that user.

The broker's ACL lets each user publish commands only under its own name
(``…/cmd/<action>/<user>``), so the name in the topic is the authenticated one.
The same account list writes the ACL, so the two cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from hallkit.config.model import HallConfig
from hallkit.contract.spec import Command

TRUSTED = ("ops", "daemon")  # act on any kiosk or window


@dataclass(frozen=True)
class Sender:
    user: str
    role: str | None  # None: no such user in this hall
    owns: dict[str, Any] = field(default_factory=dict)  # e.g. {"kiosk": "kiosk-1"}, {"window": 3}

    @property
    def trusted(self) -> bool:
        return self.role in TRUSTED


class Refused(Exception):
    """The sender may not do this; the message is the sentence it gets back."""


def hall_senders(cfg: HallConfig) -> dict[str, Sender]:
    from hallkit.broker.acl import accounts  # the ACL's own list of users

    out = {}
    for acc in accounts(cfg):
        dev = cfg.devices.get(acc.user)
        owns: dict[str, Any] = {}
        if dev is not None:
            owns[dev.kind] = acc.user
            if isinstance(getattr(dev, "window", None), int):
                owns["window"] = dev.window
        out[acc.user] = Sender(acc.user, acc.role, owns)
    return out


def may_send(sender: Sender, spec: Command) -> None:
    """``Refused`` unless the sender's role is one the contract lists for this command."""
    if sender.role is None:
        raise Refused(f"{sender.user!r} is not a user of this hall")
    if sender.role not in spec.senders:
        raise Refused(f"a {sender.role} may not send {spec.action!r} "
                      f"(allowed: {', '.join(spec.senders)})")


def authorize(sender: Sender, spec: Command, args: BaseModel) -> BaseModel:
    """``args`` as this sender may send them (its own kiosk filled in where left out), or
    ``Refused`` with a sentence. Only the role list and the declared own-fields are checked
    here; rules that need the daemon's data (a ticket's secret) live in its handler."""
    may_send(sender, spec)
    if sender.trusted:
        return args
    fill = {}
    for name in spec.own:
        value, mine = getattr(args, name), sender.owns.get(name)
        if value is None:
            if mine is not None:
                fill[name] = mine
        elif mine is None:
            raise Refused(f"{sender.user} has no {name} of its own and may not name {name} {value}")
        elif value != mine:
            raise Refused(f"{sender.user} may {spec.action} only for its own {name} "
                          f"({mine}), not {value}")
    return args.model_copy(update=fill) if fill else args
