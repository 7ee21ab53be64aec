"""hallctl status: every daemon and device, from the retained topics."""

from __future__ import annotations

import asyncio
import json
import time

from hallkit.cli.common import add_config_arg, config_or_exit
from hallkit.cli.ops_bus import ops_bus, run_or_exit
from hallkit.contract import DAEMONS
from hallkit.contract.topics import split


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


def _age(ts: float | None) -> str:
    if ts is None:
        return "-"
    seconds = max(0, time.time() - ts)
    return f"{seconds:.0f}s" if seconds < 120 else f"{seconds / 60:.0f}m" if seconds < 7200 \
        else f"{seconds / 3600:.0f}h"


def table(cfg, rows: dict) -> list[tuple[str, str, str, str, str]]:
    out = []
    for name in DAEMONS:  # every daemon, also one that never came up
        info = rows.get((name, "main"), {}).get("status", {})
        out.append(("daemon", name, info.get("state", "missing"), _age(info.get("ts")),
                    f"pid {info['pid']}" if "pid" in info else ""))
    for (component, ident), info in sorted(rows.items()):
        if (component in DAEMONS and ident == "main") or not ({"status", "availability"} & set(info)):
            continue  # daemons are listed above; entities with only a state (windows) are not devices
        avail = info.get("availability") or info.get("status") or {}
        state = info.get("state", {})
        detail = state.get("status") or state.get("mode") or avail.get("reason") or ""
        out.append((component, ident, avail.get("state", "unknown"), _age(avail.get("ts")),
                    str(detail)))
    return out


def run(args) -> int:
    cfg = config_or_exit(args.config)
    rows = run_or_exit("hallctl status", collect(cfg))
    lines = table(cfg, rows)
    if args.json:
        print(json.dumps([dict(zip(("kind", "id", "state", "seen", "detail"), r, strict=True))
                          for r in lines], ensure_ascii=False, indent=1))
        return 0
    print(f"{cfg.hall.name_zh} ({cfg.hall.id})")
    print(f"{'KIND':<15} {'ID':<22} {'STATE':<9} {'SEEN':>5}  DETAIL")
    for kind, ident, state, seen, detail in lines:
        print(f"{kind:<15} {ident:<22} {state:<9} {seen:>5}  {detail}")
    return 0 if all(r[2] == "online" for r in lines if r[0] == "daemon") else 1
