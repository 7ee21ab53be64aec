"""Where a component finds the broker and its own credentials, from the hall config."""

from __future__ import annotations

import json
from pathlib import Path

from hallkit.bus.client import BusSettings
from hallkit.config.model import HallConfig

OPS_USER = "hallctl"


def daemon_user(name: str) -> str:
    return f"daemon-{name}"


def broker_runfile(cfg: HallConfig) -> Path:
    """Written by `hallctl up` for an embedded broker: where it really listens."""
    return cfg.storage_path / "run" / "broker.json"


def password_file(cfg: HallConfig, user: str) -> Path:
    return cfg.credentials_path / f"{user}.password"


def bus_settings(cfg: HallConfig, user: str | None) -> BusSettings:
    """How ``user`` reaches the broker. On-box tools (ops) use the broker's Unix socket when
    there is one: over the network every connection of a user shares one client id."""
    host, port = cfg.bus.host, cfg.bus.port
    socket = cfg.bus.ops_socket if user == OPS_USER else None
    runfile = broker_runfile(cfg)
    if cfg.bus.embedded and runfile.exists():
        info = json.loads(runfile.read_text())
        host, port = info["host"], info["port"]
        if user == OPS_USER and info.get("socket"):
            socket = Path(info["socket"])
    elif port == 0:
        raise RuntimeError(f"the embedded broker is not running ({runfile} is missing): "
                           "start the hall with `hallctl up`")
    password = None
    if cfg.bus.auth and user:
        pw = password_file(cfg, user)
        if not pw.exists():
            raise RuntimeError(f"no bus password for {user!r} at {pw}: "
                               "run `hallctl broker acl` (hallctl up does it for you)")
        password = pw.read_text().strip()
    tls = cfg.bus.tls
    base = cfg.storage_path.parent if cfg._source is None else cfg._source.parent

    def file(path: Path | None) -> Path | None:  # relative to the config file
        return None if path is None else (base / path).resolve()

    # The username also on an anonymous (test) broker: it names the sender in command topics.
    return BusSettings(host=host, port=port, username=user, password=password, socket=socket,
                       ca=None if tls is None or socket else file(tls.ca),
                       cert=file(tls.cert) if tls and not socket else None,
                       key=file(tls.key) if tls and not socket else None)
