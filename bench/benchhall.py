"""What the benchmarks share: a scratch folder with mosquitto running, the benchmark
hall's header (open around the clock, no authentication), percentiles, daemons as child
processes, and a bare echo client that is the bus round-trip baseline."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

from hallkit.broker.mosquitto import Mosquitto
from hallkit.bus.client import BusClient, BusSettings
from hallkit.contract.envelope import Reply, Request

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ECHO_PING = "hall/bench/echo/main/cmd/ping"
ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def scratch_with_broker(prefix: str) -> Iterator[tuple[Path, Mosquitto]]:
    """A scratch folder under var/ (the disk a hall's stores use), with mosquitto
    running from it; both are gone afterwards."""
    (ROOT / "var").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=ROOT / "var", prefix=prefix) as tmp:
        broker = Mosquitto(Path(tmp) / "broker")
        broker.start()
        try:
            yield Path(tmp), broker
        finally:
            broker.stop()


def hall_header(storage: Path, port: int, services: list[str], digits: int) -> str:
    hours = "\n".join(f'{d} = ["00:00-24:00"]' for d in DAYS)
    text = f'''storage_dir = "{storage}"
[hall]
id = "bench"
name_zh = "基准大厅"
name_en = "Benchmark hall"
demo = true
[hall.opening_hours]
{hours}
[bus]
port = {port}
auth = false
'''
    for i, code in enumerate(services):
        text += (f'[[services]]\ncode = "{code}"\nprefix = "{chr(65 + i)}"\nname_zh = "{code}"\n'
                 f'name_en = "{code}"\nnumber_digits = {digits}\n')
    return text


def pct(samples: list[float], p: float) -> float:
    """The p-th percentile of samples in seconds, in milliseconds."""
    s = sorted(samples)
    return s[min(len(s) - 1, int(p / 100 * len(s)))] * 1000


def start_daemons(cfg_path: Path, names: tuple[str, ...], log_path: Path,
                  simulators: bool = False) -> list[subprocess.Popen]:
    """``hallctl run NAME`` for each name, as systemd would run them, logging to one file;
    with ``simulators``, ``hallctl sim run`` too (as ``hallctl up`` does)."""
    env = {k: v for k, v in os.environ.items() if k not in ("NOTIFY_SOCKET", "WATCHDOG_USEC")}
    commands = [["run", name] for name in names] + ([["sim", "run"]] if simulators else [])
    with open(log_path, "wb") as log:
        return [subprocess.Popen([sys.executable, "-m", "hallkit.cli.main", *command,
                                  "--config", str(cfg_path)], env=env, stdout=log, stderr=log)
                for command in commands]


def stop_daemons(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        proc.send_signal(signal.SIGTERM)
    for proc in procs:
        proc.wait(10)


def close_window(app, window, bridge) -> None:
    """An app's window gone before the interpreter ends: left to Python's teardown, Qt
    objects die in any order and the process can end in a segmentation fault."""
    from PyQt6 import sip

    bridge.stop()
    window.close()
    app.processEvents()
    sip.delete(window)  # now, not whenever the interpreter's teardown gets to it


def echo_client(port: int) -> BusClient:
    """A client answering ``ECHO_PING`` at once, as a daemon answers (reply at QoS 0) but
    with no work behind it; connect it before use."""
    echo = BusClient(BusSettings(port=port), "bench-echo", hall="bench")

    def answer(topic: str, payload: bytes) -> None:
        req = Request.model_validate_json(payload)
        sender = topic.rsplit("/", 1)[1]
        echo.publish(f"hall/bench/echo/main/reply/ping/{sender}",
                     Reply(id=req.id, status="ok", ts=req.ts, data={}), qos=0)

    echo.subscribe(f"{ECHO_PING}/+", answer)
    return echo


async def round_trips(port: int, n: int) -> list[float]:
    """``n`` bare bus round trips (request to the echo client, its reply), in seconds."""
    echo = echo_client(port)
    client = BusClient(BusSettings(port=port), "bench-rtt", hall="bench")
    await echo.connect()
    await client.connect()
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        await client.request(ECHO_PING, {})
        out.append(time.perf_counter() - t0)
    await client.close()
    await echo.close()
    return out


async def arrivals_beside_floor(rate: float, count: int, seed: int,
                                start: Callable[[int], Awaitable[None]],
                                floor: Callable[[], Awaitable[None]]) -> None:
    """Run ``start(i)`` for i in 0..count-1 at random moments (``rate`` per second, each on
    its own task) while ``floor()``, one baseline sample, runs at the same pace beside them:
    work and floor measured under the same load. Returns when all of it is done."""
    rng, floor_rng = random.Random(seed), random.Random(seed + 1)
    stop = asyncio.Event()

    async def floor_samples() -> None:
        while not stop.is_set():
            await asyncio.sleep(floor_rng.expovariate(rate))
            await floor()

    floor_task = asyncio.create_task(floor_samples())
    tasks = []
    for i in range(count):
        await asyncio.sleep(rng.expovariate(rate))
        tasks.append(asyncio.create_task(start(i)))
    await asyncio.gather(*tasks)
    stop.set()
    await floor_task
