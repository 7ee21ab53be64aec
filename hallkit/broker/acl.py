"""Broker users and ACL from the hall config: every client only on its own topics.

Each daemon, app and MQTT device gets a user named after it, a random password
kept in the credentials folder (one file per user, mode 0600, reused on every
run), and topic rules: its own subtree, read access to what every client may
see (status, availability, state, events), and write access to exactly the
commands the contract lets its role send, each under its own username. Command
topics are read only by the daemon they are addressed to (ops also reads those
that carry no personal data), replies only by the user they answer.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hallkit.bus.settings import OPS_USER, daemon_user, password_file
from hallkit.config.model import HallConfig
from hallkit.contract import CLIENT_ROLES, contracts
from hallkit.contract.topics import DAEMON_ID
from hallkit.drivers.sim.contract import SIM_COMPONENT, SIM_USER
from hallkit.drivers.sim.lines import simulated_devices
from hallkit.plugins import daemons, family


@dataclass(frozen=True)
class Account:
    user: str
    role: str
    rules: tuple[tuple[str, str], ...]  # (read|write|readwrite, topic filter)


PUBLIC = ("status", "availability", "state")  # what every client may read


class _Rules:
    """The contract's topics for one hall, gathered once (the contract registry builds the
    simulators' part afresh on each call): what each role may read and write."""

    def __init__(self, hall: str) -> None:
        self.hall = hall
        found = contracts()
        self.commands = [c for contract in found.values() for c in contract.commands]
        self.events = [e for contract in found.values() for e in contract.events]

    def public(self, role: str) -> list[tuple[str, str]]:
        """Status, availability and state of everything; the events the role may read."""
        h = self.hall
        return [("read", f"hall/{h}/+/+/{what}") for what in PUBLIC] + [
            ("read", f"hall/{h}/{e.component}/{DAEMON_ID}/event/{e.name}")
            for e in self.events if role in e.readers and not e.addressed]

    def commands_for(self, role: str, user: str) -> list[tuple[str, str]]:
        """Write access to each command the role may send, under the user's own name only:
        the name in the topic is how the daemon knows who sent it."""
        return [("write", f"hall/{self.hall}/{c.component}/{DAEMON_ID}/cmd/{c.action}/{user}")
                for c in self.commands if role in c.senders]

    def watch(self) -> list[tuple[str, str]]:
        """ops reads the commands that carry no personal data."""
        return [("read", f"hall/{self.hall}/{c.component}/{DAEMON_ID}/cmd/{c.action}/+")
                for c in self.commands if not c.personal]


def accounts(cfg: HallConfig) -> list[Account]:
    h = cfg.hall.id
    r = _Rules(h)
    out = [Account(OPS_USER, "ops", (*r.public("ops"), *r.watch(), *r.commands_for("ops", OPS_USER)))]
    for name, spec in daemons().items():
        user = daemon_user(name)
        rules = [("readwrite", f"hall/{h}/{name}/#"), *r.public("daemon")]  # its own commands too
        rules += [("readwrite", f"hall/{h}/{component}/#") for component in spec.owns
                  if component != name]
        out.append(Account(user, "daemon", (*rules, *r.commands_for("daemon", user))))
    if simulated_devices(cfg):  # the simulator host: its own subtree, commands from hallctl
        out.append(Account(SIM_USER, "simulator", (("readwrite", f"hall/{h}/{SIM_COMPONENT}/#"),)))
    for dev_id, dev in sorted(cfg.devices.items()):
        role = CLIENT_ROLES.get(dev.kind)
        fam = family(getattr(dev, "family", ""))
        if role is None or (fam is not None and not fam.is_bus_client):
            continue  # apps have no family; a wired device is a client only if it speaks MQTT
        rules = [("readwrite", f"hall/{h}/{dev.kind}/{dev_id}/#"), *r.public(role)]
        out.append(Account(dev_id, role, (*rules, *r.commands_for(role, dev_id))))
    return out


def acl_text(cfg: HallConfig, users: list[Account]) -> str:
    h = cfg.hall.id
    addressed = [f"pattern read hall/{h}/{e.component}/{DAEMON_ID}/event/{e.name}/%u"
                 for e in _Rules(h).events if e.addressed]
    lines = [f"# hallkit ACL for hall {h!r}, generated from the hall config;",
             "# regenerate with `hallctl broker acl CONFIG` rather than editing.",
             "# Every client reads the replies, and the events a daemon addresses to it, under its",
             "# own username (never a client id: the client chooses that).",
             f"pattern read hall/{h}/+/+/reply/+/%u", *addressed, ""]
    for acc in users:
        lines.append(f"# {acc.role}")
        lines.append(f"user {acc.user}")
        lines += [f"topic {access} {topic}" for access, topic in acc.rules]
        lines.append("")
    return "\n".join(lines)


def ensure_password(cfg: HallConfig, user: str) -> str:
    path = password_file(cfg, user)
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    password = secrets.token_urlsafe(24)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(password + "\n")
    return password


def write_broker_files(cfg: HallConfig, out_dir: Path) -> tuple[Path, Path]:
    """Write ``passwd`` (hashed by mosquitto_passwd) and ``acl`` into out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    users = accounts(cfg)
    passwd, acl = out_dir / "passwd", out_dir / "acl"
    with tempfile.NamedTemporaryFile("w", dir=out_dir, delete=False, prefix=".passwd-") as tmp:
        for acc in users:
            tmp.write(f"{acc.user}:{ensure_password(cfg, acc.user)}\n")
    os.chmod(tmp.name, 0o600)
    try:
        subprocess.run([_mosquitto_passwd(), "-U", tmp.name], check=True, capture_output=True)
        os.replace(tmp.name, passwd)
    finally:
        if os.path.exists(tmp.name):
            os.unlink(tmp.name)
    acl.write_text(acl_text(cfg, users))
    return passwd, acl


def _mosquitto_passwd() -> str:
    for path in ("/usr/bin/mosquitto_passwd", "/usr/local/bin/mosquitto_passwd"):
        if os.path.exists(path):
            return path
    raise RuntimeError("mosquitto_passwd is missing: install mosquitto (scripts/bootstrap does)")
