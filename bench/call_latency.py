"""Key press to window display: latency through keypad daemon, queue daemon and display daemon.

    python bench/call_latency.py [--presses 400] [--rate 20] [--runs 3]

100 windows; their keypads on 4 simulated RS-485 lines (25 each) and their LED
displays on 4 more, like a big hall. mosquitto and the three daemons run as
their own processes; this process hosts the simulators (ptys, the real FF 68 and
Modbus RTU protocols). Clerks press `call` at random moments (Poisson, --rate
presses/s over all windows). Measured: the keypad frame written → the display
frame complete at the simulated display (mode calling, the new number).
Floor, in the same run and at the same pace (sampled at random moments while the
presses go on, since an idle machine answers slower than a busy one): a pty
write→read, plus one bus request/reply.

Each press is traced from outside through its three daemons: the keypad frame →
the keypad daemon's call-next on the bus → the queue's called event → the display
frame. The whole measurement runs --runs times (fresh daemons each time); each run
is printed, then the median run and the spread, and the slowest presses' trace.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
import tty
from dataclasses import dataclass, field
from pathlib import Path

from hallkit.bus.client import BusClient, BusSettings
from hallkit.config.load import load_config
from hallkit.drivers.ff68.codec import Frame, encode
from hallkit.drivers.ff68.sim import KeypadBusSim
from hallkit.drivers.modbus_window.sim import DisplayLineSim
from hallkit.drivers.sim.lines import sim_runfile

from benchhall import (
    ECHO_PING,
    arrivals_beside_floor,
    echo_client,
    hall_header,
    pct,
    scratch_with_broker,
    start_daemons,
    stop_daemons,
)
from hall_storage import active_delay_ms, run_with_slow_disk

WINDOWS, LINES = 100, 4
SERVICES = ["BDC", "SB", "YB", "HZ"]
STAGES = ("keypad daemon: frame → call-next on the bus", "queue daemon: call-next → called event",
          "display daemon: called event → display frame")


@dataclass
class Press:
    """One press's moments (perf_counter seconds): frame written, the keypad daemon's
    command seen on the bus, the queue's called event seen, the display frame complete."""
    frame: float
    command: float = 0.0
    called: float = 0.0
    shown: float = 0.0

    @property
    def total(self) -> float:
        return self.shown - self.frame

    def stages(self) -> tuple[float, float, float]:
        return self.command - self.frame, self.called - self.command, self.shown - self.called


@dataclass
class Run:
    presses: list[Press] = field(default_factory=list)
    bus_rtt: list[float] = field(default_factory=list)
    pty_rtt: list[float] = field(default_factory=list)

    @property
    def totals(self) -> list[float]:
        return [p.total for p in self.presses]

    @property
    def floor99(self) -> float:
        return pct(self.pty_rtt, 99) + pct(self.bus_rtt, 99)

    @property
    def ratio(self) -> float:
        return pct(self.totals, 99) / self.floor99



def hall_config(storage: Path, port: int) -> str:
    text = hall_header(storage, port, SERVICES, 4)
    for n in range(1, WINDOWS + 1):
        text += (f'[[windows]]\nnumber = {n}\nservices = ["{SERVICES[n % 4]}"]\n'
                 f'keypad = "kp-{n}"\ndisplay = "d-{n}"\n')
    for n in range(1, WINDOWS + 1):
        line = (n - 1) % LINES + 1
        text += (f'[devices.kp-{n}]\nkind = "keypad"\nfamily = "ff68"\nlink = "sim://kp-line-{line}"\n'
                 f'address = {n}\n[devices.d-{n}]\nkind = "window_display"\nfamily = "modbus-window"\n'
                 f'link = "sim://d-line-{line}"\naddress = {n}\n')
    return text


def pty_floor(n: int) -> list[float]:
    master, slave = os.openpty()
    tty.setraw(slave)
    frame = encode(Frame(3, 0x0C))
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        os.write(master, frame)
        got = b""
        while len(got) < len(frame):
            got += os.read(slave, 64)
        samples.append(time.perf_counter() - t0)
    os.close(master)
    os.close(slave)
    return samples


async def measure(cfg, port: int, presses: int, rate: float) -> Run:
    keypads = {line: KeypadBusSim([n for n in range(1, WINDOWS + 1) if (n - 1) % LINES + 1 == line])
               for line in range(1, LINES + 1)}
    displays = {line: DisplayLineSim([n for n in range(1, WINDOWS + 1) if (n - 1) % LINES + 1 == line])
                for line in range(1, LINES + 1)}
    for line in range(1, LINES + 1):
        for name, sim in ((f"kp-line-{line}", keypads[line]), (f"d-line-{line}", displays[line])):
            await sim.start()
            runfile = sim_runfile(cfg, name)
            runfile.parent.mkdir(parents=True, exist_ok=True)
            runfile.write_text(json.dumps({"path": sim.path}))
    waiting: dict[int, tuple[Press, asyncio.Future]] = {}

    def on_write(addr, screen):
        entry = waiting.get(addr)
        if entry and screen.mode == "calling" and not entry[1].done():
            entry[1].set_result(time.perf_counter())

    for sim in displays.values():
        sim.on_write = on_write
    bus = BusClient(BusSettings(port=port, username="hallctl"), "bench-ops", hall="bench")  # as ops
    def seen(stage: str):
        def note(topic: str, payload: bytes) -> None:
            entry = waiting.get(json.loads(payload)["data"]["window"])
            if entry and not getattr(entry[0], stage):
                setattr(entry[0], stage, time.perf_counter())
        return note

    # The trace from outside: what the keypad daemon asked, and what the queue announced.
    bus.subscribe("hall/bench/queue/main/cmd/call-next/+", seen("command"))
    bus.subscribe("hall/bench/queue/main/event/called", seen("called"))
    await bus.connect()
    # The floor's bus round trip: a bare echo, no daemon work behind it.
    echo = echo_client(port)
    await echo.connect()
    await asyncio.sleep(3)  # the daemons find the ptys and come online
    for n in range(1, WINDOWS + 1):
        await bus.request("hall/bench/queue/main/cmd/login", {"window": n, "clerk": str(n)})
    for i in range(presses + WINDOWS):
        await bus.request("hall/bench/queue/main/cmd/issue", {"service": SERVICES[i % 4]})
    run = Run()
    await asyncio.sleep(1)
    window_rng = random.Random(11)  # which window presses
    last_press: dict[int, float] = {}

    locks = {n: asyncio.Lock() for n in range(1, WINDOWS + 1)}

    async def one_press(window: int) -> None:
        line = (window - 1) % LINES + 1
        async with locks[window]:  # one clerk, one press at a time
            # A second press within 1.5 s would be taken for a resend (the protocol): wait it out.
            await asyncio.sleep(max(0.0, last_press.get(window, 0) + 1.6 - time.perf_counter()))
            future = asyncio.get_running_loop().create_future()
            press = Press(time.perf_counter())
            waiting[window] = (press, future)
            last_press[window] = press.frame
            await keypads[line].press(window, "call")
            try:
                press.shown = await asyncio.wait_for(future, 5)
                run.presses.append(press)
            except TimeoutError:
                print(f"window {window}: the display did not change within 5 s", file=sys.stderr)

    async def floor_sample() -> None:
        run.pty_rtt.extend(pty_floor(1))
        t0 = time.perf_counter()
        await bus.request(ECHO_PING, {})
        run.bus_rtt.append(time.perf_counter() - t0)

    await arrivals_beside_floor(rate, presses, 13, lambda i: one_press(window_rng.randint(1, WINDOWS)),
                                floor_sample)
    await bus.close()
    await echo.close()
    for sim in keypads.values():
        sim.close()
    for sim in displays.values():
        await sim.close()
    return run


def one_run(presses: int, rate: float) -> Run:
    """mosquitto and the three daemons started afresh, the presses made, all stopped."""
    with scratch_with_broker("bench-call-") as (tmp, broker):
        cfg_path = tmp / "hall.toml"
        cfg_path.write_text(hall_config(tmp / "store", broker.port))
        cfg = load_config(cfg_path)
        procs = start_daemons(cfg_path, ("queue", "keypad", "display"), tmp / "daemons.log")
        try:
            return asyncio.run(measure(cfg, broker.port, presses, rate))
        finally:
            stop_daemons(procs)


def print_run(n: int, run: Run) -> None:
    stages = list(zip(*(p.stages() for p in run.presses), strict=True))
    floor50 = pct(run.pty_rtt, 50) + pct(run.bus_rtt, 50)
    print(f"run {n}: {len(run.presses)} presses")
    print(f"  {'measure':<50}{'p50 ms':>9}{'p99 ms':>9}")
    print(f"  {'pty write→read':<50}{pct(run.pty_rtt, 50):>9.3f}{pct(run.pty_rtt, 99):>9.3f}")
    print(f"  {'bus request/reply':<50}{pct(run.bus_rtt, 50):>9.3f}{pct(run.bus_rtt, 99):>9.3f}")
    print(f"  {'floor (pty + bus)':<50}{floor50:>9.3f}{run.floor99:>9.3f}")
    for name, samples in zip(STAGES, stages, strict=True):
        print(f"  {'  ' + name:<50}{pct(samples, 50):>9.3f}{pct(samples, 99):>9.3f}")
    print(f"  {'keypad frame → display frame complete':<50}{pct(run.totals, 50):>9.3f}"
          f"{pct(run.totals, 99):>9.3f}")
    print(f"  p99 / floor p99 = {run.ratio:.1f}")


def print_slowest(runs: list[Run]) -> None:
    """Where the time of the slowest 1 % of presses went, stage by stage."""
    presses = sorted((p for r in runs for p in r.presses), key=lambda p: p.total, reverse=True)
    slow = presses[:max(3, len(presses) // 100)]
    print(f"the slowest {len(slow)} presses of all runs, ms: total = keypad + queue + display")
    for p in slow:
        keypad, queue, display = (s * 1000 for s in p.stages())
        print(f"  {p.total * 1000:7.2f} = {keypad:6.2f} + {queue:6.2f} + {display:6.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--presses", type=int, default=400)
    parser.add_argument("--rate", type=float, default=20.0, help="presses per second, all windows")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fsync-ms", type=float, default=0.0,
                        help="delay every sync by this much (hall storage: 5 eMMC, 15 SD card)")
    args = parser.parse_args()
    run_with_slow_disk(args.fsync_ms)
    print(f"key press → window display, {WINDOWS} windows on {LINES}+{LINES} simulated RS-485 lines, "
          f"{args.presses} presses at {args.rate:g}/s, {args.runs} runs"
          + (f", every sync delayed {active_delay_ms():g} ms" if active_delay_ms() else ""))
    runs = []
    for n in range(1, args.runs + 1):
        runs.append(one_run(args.presses, args.rate))
        print_run(n, runs[-1])
    p99s = [pct(r.totals, 99) for r in runs]
    ratios = [r.ratio for r in runs]
    print(f"p99 over the runs: median {statistics.median(p99s):.2f} ms ({min(p99s):.2f}–{max(p99s):.2f}); "
          f"p99 / floor p99: median {statistics.median(ratios):.1f} ({min(ratios):.1f}–{max(ratios):.1f})")
    print(f"goals: p99 < 30 ms in every run: {'met' if max(p99s) < 30 else 'NOT met'}; "
          f"the median run ≤ 3× its floor: {'met' if statistics.median(ratios) <= 3 else 'NOT met'}")
    print_slowest(runs)


if __name__ == "__main__":
    main()
