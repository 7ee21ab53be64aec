"""A short-lived bus connection for hallctl's own commands (user ``hallctl``)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import uuid
from collections.abc import Coroutine
from typing import Any, TypeVar

from hallkit.bus.client import BusClient, BusError
from hallkit.bus.settings import OPS_USER, bus_settings
from hallkit.cli.common import EX_UNAVAILABLE
from hallkit.clock import SystemClock
from hallkit.config.model import HallConfig


@contextlib.asynccontextmanager
async def ops_bus(cfg: HallConfig, timeout: float = 5.0):
    client_id = f"hallctl-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    bus = BusClient(bus_settings(cfg, OPS_USER), client_id, hall=cfg.hall.id,
                    clock=SystemClock(cfg.hall.timezone))
    await bus.connect(timeout=timeout)
    try:
        yield bus
    finally:
        await bus.close()


T = TypeVar("T")


def run_or_exit(prog: str, work: Coroutine[Any, Any, T], hint: str = "") -> T:
    """Run ``work`` (which talks over ``ops_bus``); when the bus cannot be reached, say so
    on stderr, e.g. ``hallctl queue: no MQTT broker answered…``, and exit 69."""
    try:
        return asyncio.run(work)
    except (BusError, RuntimeError) as exc:
        print(f"{prog}: {exc}{hint}", file=sys.stderr)
        raise SystemExit(EX_UNAVAILABLE) from None


def request_or_exit(cfg: HallConfig, component: str, action: str, data: dict, prog: str, hint: str = ""):
    """One command to ``component`` as ops, and its reply (the bus unreachable: exit 69)."""
    from hallkit.contract.topics import Topics

    async def ask():
        async with ops_bus(cfg) as bus:
            return await bus.request(Topics(cfg.hall.id, component).cmd(action), data)

    return run_or_exit(prog, ask(), hint)


def answer_or_exit(cfg: HallConfig, component: str, action: str, data: dict, prog: str,
                   hint: str = "") -> dict:
    """The reply's data; a refusal is said on stderr (``code: message``) and exits 1."""
    reply = request_or_exit(cfg, component, action, data, prog, hint)
    if reply.status != "ok":
        print(f"{reply.error.code}: {reply.error.message}", file=sys.stderr)
        raise SystemExit(1)
    return reply.data
