"""Queue daemon throughput and latency, beside a raw SQLite commit measured in the same run.

    python bench/queue_ops.py [--issues 3200] [--windows 100] [--fsync-ms 5]

--fsync-ms N runs everything (this process's raw SQLite baseline and the daemons)
under bench/fsync_delay.c, which makes every sync take N ms more: a hall box's eMMC
(5) or SD card (15) instead of this machine's cached disk.

1. raw SQLite: one-row INSERT + COMMIT, WAL, synchronous=FULL, on the disk the
   daemon's store uses (the floor for a durable single-row write);
2. tickets issued through the bus by 1 client, then by 32 concurrent clients (each
   answer comes only after its ticket is committed; the daemon commits a group of
   requests per transaction);
3. call-next from 100 windows: first at random moments (each window presses on
   its own Poisson clock, 50 presses/s in all: a busy hall sees well under one
   per second), then all at once in a closed loop (each window calls again as
   soon as answered: the saturation rate);
4. issue from 32 kiosks at random moments (40 tickets/s in all), the open-loop
   counterpart of the 32-client saturation run;
5. the runtime's own floor: a command that does nothing (the hall daemon's ping)
   through the same bus, dispatcher, stored replies and group commit: 32 clients in
   a closed loop, and 100 clients at random at the call-next pace (50/s);
6. the daemon's resident memory (VmRSS, and the peak VmHWM);
7. for the 32-client issue run: the daemon's CPU time and the bytes it wrote to disk
   (WAL, checkpoints) per ticket, beside the CPU time of the broker and the clients;
8. the queue engine and dispatcher alone, in this process with no bus: issue requests
   in batches of 32, one transaction and one commit per batch as the daemon runs them.
   Its CPU time per ticket is what the daemon's own work costs before any MQTT, so one
   core ÷ that is the most tickets/s the daemon could reach here with a free bus.
Everything runs on this machine: mosquitto, the daemon (its own process) and the clients.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sqlite3
import statistics
import time
from pathlib import Path

from hallkit.bus.client import BusClient, BusSettings
from hallkit.clock import SystemClock
from hallkit.config.load import load_config
from hallkit.contract.envelope import Request
from hallkit.daemons.queue.daemon import QueueDaemon
from hallkit.ids import ordered_id
from hallkit.runtime.commands import Dispatcher
from hallkit.runtime.senders import hall_senders

from benchhall import hall_header, pct, scratch_with_broker, start_daemons, stop_daemons
from hall_storage import active_delay_ms, run_with_slow_disk


def raw_sqlite(path: Path, n: int) -> list[float]:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, number TEXT, taken_at REAL)")
    samples = []
    for i in range(n):
        t0 = time.perf_counter()
        conn.execute("BEGIN")
        conn.execute("INSERT INTO t (number, taken_at) VALUES (?, ?)", (f"A{i:03d}", time.time()))
        conn.execute("COMMIT")
        samples.append(time.perf_counter() - t0)
    conn.close()
    return samples


def hall_config(storage: Path, port: int, windows: int) -> str:
    services = ["BDC", "SB", "YB", "HZ", "SW", "SCZT", "GJJ", "ZX"]
    text = hall_header(storage, port, services, 5)
    for n in range(1, windows + 1):
        text += f'[[windows]]\nnumber = {n}\nservices = ["{services[n % 8]}", "{services[(n + 1) % 8]}"]\n'
    # The clients are the hall's kiosks and its windows' consoles: a daemon answers only users
    # the hall knows, each with its own reply topic.
    for n in range(1, max(32, windows) + 1):  # open-loop pings use one client per window
        text += f'[devices.kiosk-{n}]\nkind = "kiosk"\n'
    for n in range(1, windows + 1):
        text += f'[devices.console-{n}]\nkind = "console"\nwindow = {n}\n'
    return text


async def run_clients(port: int, names: list[str], work) -> float:
    """Connect one bus client per name, run ``work(index, client)`` for all at once,
    and return the seconds that took."""
    buses = [BusClient(BusSettings(port=port), name, hall="bench") for name in names]
    for b in buses:
        await b.connect()
    t0 = time.perf_counter()
    await asyncio.gather(*(work(i, b) for i, b in enumerate(buses)))
    elapsed = time.perf_counter() - t0
    for b in buses:
        await b.close()
    return elapsed


async def timed(bus: BusClient, action: str, data: dict, samples: list[float],
                daemon: str = "queue") -> None:
    t0 = time.perf_counter()
    reply = await bus.request(f"hall/bench/{daemon}/main/cmd/{action}", data, timeout=10)
    samples.append(time.perf_counter() - t0)
    assert reply.status == "ok", reply


SERVICES = ["BDC", "SB", "YB", "HZ", "SW", "SCZT", "GJJ", "ZX"]


async def issue_closed_loop(port: int, clients: int, per_client: int, action: str = "issue",
                            daemon: str = "queue"):
    samples: list[float] = []

    async def kiosk(i: int, bus: BusClient):
        for j in range(per_client):
            data = {"service": SERVICES[(i + j) % 8]} if action == "issue" else {}
            await timed(bus, action, data, samples, daemon)

    names = [f"kiosk-{i + 1}" for i in range(clients)]
    return samples, await run_clients(port, names, kiosk)


async def open_loop(port: int, clients: int, rounds: int, rate: float, action: str = "issue",
                    daemon: str = "queue"):
    """Each client sends at random moments, ``rate`` per second over all of them: kiosks
    taking tickets, or the no-op command (the floor under the open-loop call-next figures)."""
    rng = random.Random(5)
    samples: list[float] = []

    async def client(i: int, bus: BusClient):
        for j in range(rounds):
            await asyncio.sleep(rng.expovariate(rate / clients))
            data = {"service": SERVICES[(i + j) % 4]} if action == "issue" else {}
            await timed(bus, action, data, samples, daemon)

    names = [f"kiosk-{i + 1}" for i in range(clients)]
    return samples, await run_clients(port, names, client)


async def call_load(port: int, windows: int, rounds: int, rate: float) -> dict:
    """Open loop at ``rate`` presses/s over all windows, then the closed-loop saturation run."""
    rng = random.Random(3)
    names = [f"console-{w}" for w in range(1, windows + 1)]

    async def login(i: int, bus: BusClient):
        await timed(bus, "login", {"window": i + 1, "clerk": f"{i + 1}"}, [])

    await run_clients(port, names, login)
    open_loop: list[float] = []
    closed: list[float] = []

    async def presses(i: int, bus: BusClient):
        for _ in range(rounds):
            await asyncio.sleep(rng.expovariate(rate / windows))
            await timed(bus, "call-next", {"window": i + 1}, open_loop)

    async def hammer(i: int, bus: BusClient):
        for _ in range(rounds):
            await timed(bus, "call-next", {"window": i + 1}, closed)

    open_s = await run_clients(port, names, presses)
    closed_s = await run_clients(port, names, hammer)
    return {"open": (open_loop, open_s), "closed": (closed, closed_s)}


class ReplyCounter:
    """Stands in for the bus under the dispatcher: counts the ``ok`` replies it is given."""

    def __init__(self) -> None:
        self.ok = 0

    def publish(self, topic: str, payload: bytes, *, retain: bool, qos: int) -> None:
        self.ok += "/reply/" in topic and b'"status":"ok"' in payload

    def flush(self) -> None:
        pass


def engine_alone(tmp: Path, windows: int, n: int, batch: int = 32) -> float:
    """CPU seconds per ticket of ``n`` issue requests run through the queue daemon's own
    dispatcher and engine in this process, ``batch`` per transaction, with no bus."""
    cfg_path = tmp / "alone.toml"
    cfg_path.write_text(hall_config(tmp / "alone", 1, windows))  # its own store; port unused
    cfg = load_config(cfg_path)
    # Built for its handlers and store; its bus client is never connected.
    daemon = QueueDaemon(cfg, clock=SystemClock(cfg.hall.timezone), bus_settings=BusSettings())
    replies = ReplyCounter()
    dispatcher = Dispatcher("queue", daemon.topics, daemon.commands.handlers, daemon.store,
                            replies, daemon.clock, hall_senders(cfg))
    topic, now = daemon.topics.cmd("issue"), time.time()
    requests = [(f"{topic}/kiosk-{i % batch + 1}",
                 Request(id=ordered_id(now), ts=now,
                         data={"service": SERVICES[i % 8]}).model_dump_json().encode())
                for i in range(n)]
    t0 = time.process_time()
    for i in range(0, n, batch):
        dispatcher.run_batch(requests[i:i + batch])
    cpu = time.process_time() - t0
    daemon.store.close()
    assert replies.ok == n, f"{replies.ok} of {n} issue requests answered ok"
    return cpu / n


def cpu_s(pid: int | str) -> float:
    """User + system CPU seconds of a process (``"self"`` for this one)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def written_bytes(pid: int) -> int:
    """Bytes the process caused to be written to disk so far."""
    fields = dict(line.split(": ") for line in Path(f"/proc/{pid}/io").read_text().splitlines())
    return int(fields["write_bytes"])


def rss_kb(pid: int) -> tuple[int, int]:
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def one_run(args) -> dict:
    """One whole measurement with mosquitto and the daemons started afresh: its table is
    printed, and its headline figures returned."""
    with scratch_with_broker("bench-queue-") as (tmp, broker):
        raw = raw_sqlite(tmp / "raw.sqlite", 500)
        alone_ms = engine_alone(tmp, args.windows, args.issues) * 1000
        cfg = tmp / "hall.toml"
        cfg.write_text(hall_config(tmp / "store", broker.port, args.windows))
        procs = start_daemons(cfg, ("queue", "hall"), tmp / "daemon.log")
        daemon = procs[0]
        try:
            time.sleep(1.5)
            one, one_s = asyncio.run(issue_closed_loop(broker.port, 1, 300))
            pids = (daemon.pid, broker.proc.pid, "self")
            cpu_before, wrote_before = [cpu_s(p) for p in pids], written_bytes(daemon.pid)
            many, many_s = asyncio.run(issue_closed_loop(broker.port, 32, args.issues // 32))
            cpu_ms = [(cpu_s(p) - c) / len(many) * 1000 for p, c in zip(pids, cpu_before, strict=True)]
            wrote = (written_bytes(daemon.pid) - wrote_before) / len(many)
            calls = asyncio.run(call_load(broker.port, args.windows, args.rounds, 50.0))
            kiosks, kiosks_s = asyncio.run(open_loop(broker.port, 32, 20, 40.0))
            rss, hwm = rss_kb(daemon.pid)
            pings, pings_s = asyncio.run(issue_closed_loop(broker.port, 32, args.issues // 32,
                                                           "ping", "hall"))
            open_pings, open_pings_s = asyncio.run(open_loop(broker.port, args.windows, args.rounds,
                                                             50.0, "ping", "hall"))
        finally:
            stop_daemons(procs)

    raw_rate = len(raw) / sum(raw)
    print(f"{'measure':<46}{'ops/s':>9}{'p50 ms':>9}{'p99 ms':>9}")
    (open_calls, open_s), (closed_calls, closed_s) = calls["open"], calls["closed"]
    rows = [("raw SQLite 1-row INSERT+COMMIT (WAL, FULL)", raw_rate, raw),
            ("issue via bus, 1 client", len(one) / one_s, one),
            ("issue via bus, 32 clients, closed loop", len(many) / many_s, many),
            ("issue via bus, 32 kiosks at random, 40/s", len(kiosks) / kiosks_s, kiosks),
            (f"call-next, {args.windows} windows at random, 50/s", len(open_calls) / open_s,
             open_calls),
            (f"call-next, {args.windows} windows, closed loop", len(closed_calls) / closed_s,
             closed_calls),
            ("no-op command (hall ping), 32 clients", len(pings) / pings_s, pings),
            (f"no-op command, {args.windows} clients at random, 50/s", len(open_pings) / open_pings_s,
             open_pings)]
    for name, rate, samples in rows:
        print(f"{name:<46}{rate:>9.0f}{pct(samples, 50):>9.2f}{pct(samples, 99):>9.2f}")
    print(f"per ticket in the 32-client run: daemon CPU {cpu_ms[0]:.3f} ms, broker {cpu_ms[1]:.3f} ms, "
          f"clients {cpu_ms[2]:.3f} ms; daemon wrote {wrote / 1024:.1f} KiB to disk")
    # What the CPU allows at most: all cores busy on this work, or the daemon's one core full.
    ceiling = 1000 * min((os.cpu_count() or 1) / sum(cpu_ms), 1 / cpu_ms[0])
    print(f"daemon memory: RSS {rss / 1024:.1f} MB, peak {hwm / 1024:.1f} MB (goal < 60 MB)")
    return {"raw commit p50 ms": pct(raw, 50),
            "32 clients ÷ raw commit rate": len(many) / many_s / raw_rate,
            "32 clients tickets/s": len(many) / many_s,
            "32 clients p99 ms": pct(many, 99),
            "1 client p50 ms": pct(one, 50),
            "call-next 50/s p99 ms": pct(open_calls, 99),
            "32 clients ÷ CPU ceiling": len(many) / many_s / ceiling,
            "CPU ceiling ÷ raw commit rate": ceiling / raw_rate,
            "daemon CPU ms per ticket": cpu_ms[0],
            "engine alone CPU ms per ticket": alone_ms,
            "daemon RSS MB": rss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--issues", type=int, default=3200)
    parser.add_argument("--windows", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fsync-ms", type=float, default=0.0,
                        help="delay every sync by this much (hall storage: 5 eMMC, 15 SD card)")
    args = parser.parse_args()
    run_with_slow_disk(args.fsync_ms)
    delay = active_delay_ms()
    disk = f"every sync delayed {delay:g} ms (fsync_delay.c preloaded)" if delay else "this machine's own"
    print(f"queue daemon benchmark ({os.cpu_count()} cores, all on this machine); storage: {disk}")
    runs = []
    for n in range(1, args.runs + 1):
        print(f"run {n}:")
        runs.append(one_run(args))
    print(f"median of {len(runs)} runs (lowest–highest):")
    for key in runs[0]:
        values = [r[key] for r in runs]
        print(f"  {key:<34}{statistics.median(values):>10.3f}  ({min(values):.3f}–{max(values):.3f})")
    med = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    if delay:
        goals = [("32 clients ≥ 8× the raw commit rate", med["32 clients ÷ raw commit rate"] >= 8),
                 ("32 clients p99 < 40 ms", med["32 clients p99 ms"] < 40),
                 (f"1 client p50 ≤ {delay + 3:g} ms", med["1 client p50 ms"] <= delay + 3),
                 (f"call-next at 50/s p99 < {2 * delay + 10:g} ms",
                  med["call-next 50/s p99 ms"] < 2 * delay + 10)]
        if delay > 5:
            goals = []  # an SD card: figures reported, no goal set
    else:
        goals = [("32 clients ≥ 0.8 × the CPU ceiling", med["32 clients ÷ CPU ceiling"] >= 0.8)]
    for name, met in goals:
        print(f"goal: {name}: {'met' if met else 'NOT met'}")
    print("(CPU ceiling: cores ÷ CPU per ticket of all processes, or one core ÷ the daemon's; "
          "engine alone: dispatcher and engine in this process, batches of 32, no bus)")


if __name__ == "__main__":
    main()
