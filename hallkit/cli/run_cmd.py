"""hallctl run NAME: one daemon in the foreground, as its systemd unit runs it."""

from __future__ import annotations

import asyncio
import logging

from hallkit.bus.client import BusError
from hallkit.bus.settings import bus_settings, daemon_user
from hallkit.cli.common import (
    EX_CONFIG,
    EX_UNAVAILABLE,
    add_config_arg,
    config_or_exit,
    storage_or_exit,
)
from hallkit.clock import SystemClock
from hallkit.plugins import daemon_spec, daemons
from hallkit.runtime.logs import setup_logging
from hallkit.store import StorageError

log = logging.getLogger("hallkit.run")


def register(sub) -> None:
    p = sub.add_parser("run", help="run one daemon in the foreground (systemd units call this)")
    p.add_argument("name", choices=list(daemons()), help="which daemon")
    add_config_arg(p)
    p.add_argument("--check-config", action="store_true",
                   help="only validate the config; exit 0 or 78")
    p.add_argument("--log-level", default="INFO")
    p.set_defaults(func=run)


def run(args) -> int:
    setup_logging(args.name, args.log_level)
    cfg = config_or_exit(args.config)
    storage_or_exit(cfg)
    if args.check_config:
        print(f"{args.config}: OK for the {args.name} daemon")
        return 0
    daemon_cls = daemon_spec(args.name).load()
    try:
        settings = bus_settings(cfg, daemon_user(args.name))
    except RuntimeError as exc:
        log.error("%s", exc)
        return EX_CONFIG if "password" in str(exc) else EX_UNAVAILABLE

    async def main() -> None:
        daemon = daemon_cls(cfg, clock=SystemClock(cfg.hall.timezone), bus_settings=settings)
        await daemon.run()

    try:
        asyncio.run(main())
    except (BusError, StorageError) as exc:  # one line: what is wrong, where
        log.error("%s", exc)
        return EX_UNAVAILABLE
    return 0
