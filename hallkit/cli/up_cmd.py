"""hallctl up CONFIG: bring the whole hall up and keep it up until Ctrl-C."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections import Counter
from pathlib import Path

from hallkit.cli.common import EX_UNAVAILABLE, add_config_arg, config_or_exit, storage_or_exit
from hallkit.cli.ops_bus import ops_bus
from hallkit.contract.topics import Topics
from hallkit.drivers.sim.lines import simulators
from hallkit.plugins import daemons
from hallkit.plugins.family import load_attr
from hallkit.runtime.instance import AlreadyRunning, hold_lock
from hallkit.runtime.logs import setup_logging
from hallkit.supervisor import Supervisor


def register(sub) -> None:
    p = sub.add_parser("up", help="start broker, daemons and simulators; Ctrl-C stops them all")
    add_config_arg(p, positional=True)
    p.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for online")
    p.set_defaults(func=run)


def run(args) -> int:
    setup_logging("up")
    cfg = config_or_exit(args.config)
    storage_or_exit(cfg)
    try:
        lock = hold_lock(cfg.storage_path / "run" / "up.lock")
    except AlreadyRunning as exc:
        print(f"hallctl up: hall {cfg.hall.id!r} is already up (hallctl up, pid {exc.pid}, storage "
              f"{cfg.storage_path}); stop it first", file=sys.stderr)
        return EX_UNAVAILABLE
    with lock:
        sup = Supervisor(cfg, Path(args.config))
        return asyncio.run(_up(sup, args.timeout))


async def _up(sup: Supervisor, timeout: float) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await sup.start_broker()
        sup.start_daemons()
        states = await sup.wait_online(timeout)
        print(_table(sup, states), flush=True)
        if any(s != "online" for s in states.values()):
            print(f"not every daemon came online within {timeout:g} s; stopping", flush=True)
            return EX_UNAVAILABLE
        await _seed(sup)
        print(f"\nhall {sup.cfg.hall.id!r} is up. `hallctl status -c {sup.config_path}` in another "
              "shell shows it; Ctrl-C stops everything.", flush=True)
        await sup.run_until(stop)
        return 0
    finally:
        with contextlib.suppress(Exception):
            sup.stop_all()
        print("stopped.", flush=True)


async def _seed(sup: Supervisor) -> None:
    """The sample data the daemons' config sections name (the demo's cases and guide),
    imported over the bus the way `hallctl cases|guide import` does it."""
    seeds = [spec for spec in daemons().values() if spec.seed]
    if not seeds:
        return
    async with ops_bus(sup.cfg) as bus:
        for spec in seeds:
            try:
                said = await load_attr(spec.seed)(sup.cfg, bus, sup.config_path.parent)
            except Exception as exc:  # sample data is not worth stopping the hall for
                said = f"{spec.name}: sample data not imported: {exc}"
            if said:
                print(said, flush=True)


def _table(sup: Supervisor, states: dict[str, str]) -> str:
    cfg = sup.cfg
    rows = [("COMPONENT", "PID", "STATE", "WHERE")]
    if sup.broker:
        auth = "users+ACL" if cfg.bus.auth else "anonymous"
        rows.append(("broker mosquitto", str(sup.broker.proc.pid), "running",
                     f"mqtt://{sup.broker.host}:{sup.broker.port} ({auth})"))
    else:
        rows.append(("broker (external)", "-", "-", f"mqtt://{cfg.bus.host}:{cfg.bus.port}"))
    for child in sup.children:
        what = "simulators" if child.name == "sim" else f"daemon {child.name}"
        rows.append((what, str(child.pid), states.get(child.name, "?"),
                     f"{Topics(cfg.hall.id, child.name).base}/#  log {child.log_path}"))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    text = "\n".join(f"{r[0]:<{widths[0]}}  {r[1]:>{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]}"
                     for r in rows)
    sims = simulators(cfg)
    if sims:
        counts = Counter(sim.family.name for sim in sims for _ in sim.devices)
        actions = sorted({a.name for sim in sims for a in sim.family.simulator.actions})
        text += (f"\nsimulated devices: {', '.join(f'{n} {name}' for name, n in sorted(counts.items()))}"
                 f"; `hallctl sim show` shows them, `hallctl sim {'|'.join(actions)} DEVICE …` works "
                 f"them; simulators keep what they draw (tickets as PNG) under {cfg.storage_path / 'sim'}/")
    return text
