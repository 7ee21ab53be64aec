"""hallctl status: every daemon and device, from the retained topics."""

from __future__ import annotations

import asyncio
import json
import time

from hallkit.cli.common import add_config_arg, config_or_exit
from hallkit.cli.ops_bus import ops_bus, run_or_exit
from hallkit.contract.topics import DAEMON_ID, split
from hallkit.drivers.sim.contract import SIM_COMPONENT
from hallkit.drivers.sim.lines import simulated_devices
from hallkit.natural import natural
from hallkit.plugins import daemons


def register(sub) -> None:
    p = sub.add_parser("status", help="daemons and devices with state and last-seen age")
    add_config_arg(p)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)


async def collect(cfg, quiet: float = 0.3, limit: float = 3.0) -> dict[tuple[str, str], dict]:
    """Read retained status/availability/state until the broker has sent them all."""
    rows: dict[tuple[str, str], dict] = {}
    last = [time.monotonic()]

    def on_message(topic: str, payload: bytes) -> None:
        parts = split(topic)
        if not parts:
            return
        _, component, ident, what, _ = parts
        try:
            body = json.loads(payload)
        except ValueError:
            body = {"unreadable": payload[:80].decode(errors="replace")}
        rows.setdefault((component, ident), {})[what] = body
        last[0] = time.monotonic()

    async with ops_bus(cfg) as bus:
        for what in ("status", "availability", "state"):
            bus.subscribe(f"hall/{cfg.hall.id}/+/+/{what}", on_message)
        start = time.monotonic()
        while time.monotonic() - start < limit and time.monotonic() - last[0] < quiet:
            await asyncio.sleep(0.05)
    return rows


def _age(ts: float | None) -> float | None:
    return None if ts is None else round(max(0.0, time.time() - ts), 1)


def _ago(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds:.0f}s" if seconds < 120 else f"{seconds / 60:.0f}m" if seconds < 7200 \
        else f"{seconds / 3600:.0f}h"


def table(cfg, rows: dict) -> list[dict]:
    """Every daemon (also one that never came up), the simulator host when the hall has
    simulated devices, and every configured device, in natural order; a device nothing has
    reported on is ``unknown``."""
    out = []
    components = [*daemons(), *([SIM_COMPONENT] if simulated_devices(cfg) else [])]
    for name in components:
        info = rows.get((name, DAEMON_ID), {}).get("status", {})
        summary = rows.get((name, DAEMON_ID), {}).get("state", {}).get("summary")  # a daemon's word
        detail = "; ".join(filter(None, (f"pid {info['pid']}" if "pid" in info else "", summary)))
        out.append({"kind": "daemon" if name != SIM_COMPONENT else "simulators", "id": name,
                    "family": "", "state": info.get("state", "missing"), "age_s": _age(info.get("ts")),
                    "detail": detail, "pid": info.get("pid")})
    for dev_id, dev in natural(cfg.devices.items()):
        info = rows.get((dev.kind, dev_id), {})
        avail = info.get("availability") or info.get("status") or {}
        state = info.get("state", {})
        detail = state.get("status") or state.get("mode") or avail.get("reason") or ""
        out.append({"kind": dev.kind, "id": dev_id, "family": getattr(dev, "family", "") or "",
                    "state": avail.get("state", "unknown"), "age_s": _age(avail.get("ts")),
                    "detail": str(detail)})
    return out


def run(args) -> int:
    cfg = config_or_exit(args.config)
    rows = run_or_exit("hallctl status", collect(cfg))
    lines = table(cfg, rows)
    if args.json:
        print(json.dumps(lines, ensure_ascii=False, indent=1))
        return 0
    print(f"{cfg.hall.name_zh} ({cfg.hall.id})")
    print(f"{'KIND':<15} {'ID':<22} {'FAMILY':<14} {'STATE':<9} {'SEEN':>5}  DETAIL")
    for r in lines:
        print(f"{r['kind']:<15} {r['id']:<22} {r['family']:<14} {r['state']:<9} {_ago(r['age_s']):>5}  "
              f"{r['detail']}")
    return 0 if all(r["state"] == "online" for r in lines if r["kind"] == "daemon") else 1
