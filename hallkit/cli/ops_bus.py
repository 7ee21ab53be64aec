"""A short-lived bus connection for hallctl's own commands (user ``hallctl``)."""

from __future__ import annotations

import contextlib
import os
import uuid

from hallkit.bus.client import BusClient
from hallkit.bus.settings import OPS_USER, bus_settings
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
