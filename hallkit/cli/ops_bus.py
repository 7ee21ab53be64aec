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
