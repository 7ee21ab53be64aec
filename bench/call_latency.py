"""Key press to window display: latency through keypad daemon, queue daemon and display daemon.

    python bench/call_latency.py [--presses 400] [--rate 20]

100 windows; their keypads on 4 simulated RS-485 lines (25 each) and their LED
displays on 4 more, like a big hall. mosquitto and the three daemons run as
their own processes; this process hosts the simulators (ptys, the real FF 68 and
Modbus RTU protocols). Clerks press `call` at random moments (Poisson, --rate
presses/s over all windows). Measured: the keypad frame written → the display
frame complete at the simulated display (mode calling, the new number).
Floor, in the same run and at the same pace (sampled at random moments while the
presses go on, since an idle machine answers slower than a busy one): a pty
write→read, plus one bus request/reply.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
import tty
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

WINDOWS, LINES = 100, 4
SERVICES = ["BDC", "SB", "YB", "HZ"]



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


async def measure(cfg, port: int, presses: int, rate: float) -> tuple[list[float], list[float]]:
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
    waiting: dict[int, tuple[float, asyncio.Future]] = {}

    def on_write(addr, screen):
        entry = waiting.get(addr)
        if entry and screen.mode == "calling" and not entry[1].done():
            entry[1].set_result(time.perf_counter())

    for sim in displays.values():
        sim.on_write = on_write
    bus = BusClient(BusSettings(port=port, username="hallctl"), "bench-ops", hall="bench")  # as ops
    called_at: dict[int, float] = {}

    def on_called(topic: str, payload: bytes) -> None:
        called_at[json.loads(payload)["data"]["window"]] = time.perf_counter()

    bus.subscribe("hall/bench/queue/main/event/called", on_called)
    await bus.connect()
    # The floor's bus round trip: a bare echo, no daemon work behind it.
    echo = echo_client(port)
    await echo.connect()
    await asyncio.sleep(3)  # the daemons find the ptys and come online
    for n in range(1, WINDOWS + 1):
        await bus.request("hall/bench/queue/main/cmd/login", {"window": n, "clerk": str(n)})
    for i in range(presses + WINDOWS):
        await bus.request("hall/bench/queue/main/cmd/issue", {"service": SERVICES[i % 4]})
    bus_rtt: list[float] = []
    pty_rtt: list[float] = []
    await asyncio.sleep(1)
    window_rng = random.Random(11)  # which window presses
    latencies: list[float] = []
    to_event: list[float] = []  # press → the queue's called event (keypad daemon, bus, queue)
    last_press: dict[int, float] = {}

    locks = {n: asyncio.Lock() for n in range(1, WINDOWS + 1)}

    async def one_press(window: int) -> None:
        line = (window - 1) % LINES + 1
        async with locks[window]:  # one clerk, one press at a time
            # A second press within 1.5 s would be taken for a resend (the protocol): wait it out.
            await asyncio.sleep(max(0.0, last_press.get(window, 0) + 1.6 - time.perf_counter()))
            future = asyncio.get_running_loop().create_future()
            t0 = time.perf_counter()
            waiting[window] = (t0, future)
            last_press[window] = t0
            await keypads[line].press(window, "call")
            try:
                latencies.append(await asyncio.wait_for(future, 5) - t0)
                to_event.append(called_at.get(window, t0) - t0)
            except TimeoutError:
                print(f"window {window}: the display did not change within 5 s", file=sys.stderr)

    async def floor_sample() -> None:
        pty_rtt.extend(pty_floor(1))
        t0 = time.perf_counter()
        await bus.request(ECHO_PING, {})
        bus_rtt.append(time.perf_counter() - t0)

    await arrivals_beside_floor(rate, presses, 13, lambda i: one_press(window_rng.randint(1, WINDOWS)),
                                floor_sample)
    await bus.close()
    await echo.close()
    for sim in keypads.values():
        sim.close()
    for sim in displays.values():
        await sim.close()
    return latencies, bus_rtt, pty_rtt, to_event


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--presses", type=int, default=400)
    parser.add_argument("--rate", type=float, default=20.0, help="presses per second, all windows")
    args = parser.parse_args()
    with scratch_with_broker("bench-call-") as (tmp, broker):
        cfg_path = tmp / "hall.toml"
        cfg_path.write_text(hall_config(tmp / "store", broker.port))
        cfg = load_config(cfg_path)
        procs = start_daemons(cfg_path, ("queue", "keypad", "display"), tmp / "daemons.log")
        try:
            latencies, bus_rtt, floor_pty, to_event = asyncio.run(
                measure(cfg, broker.port, args.presses, args.rate))
        finally:
            stop_daemons(procs)
    floor50 = pct(floor_pty, 50) + pct(bus_rtt, 50)
    floor99 = pct(floor_pty, 99) + pct(bus_rtt, 99)
    print(f"key press → window display, {WINDOWS} windows on {LINES}+{LINES} simulated RS-485 lines, "
          f"{len(latencies)} presses at {args.rate:g}/s")
    print(f"{'measure':<40}{'p50 ms':>9}{'p99 ms':>9}")
    print(f"{'pty write→read':<40}{pct(floor_pty, 50):>9.3f}{pct(floor_pty, 99):>9.3f}")
    print(f"{'bus request/reply':<40}{pct(bus_rtt, 50):>9.3f}{pct(bus_rtt, 99):>9.3f}")
    print(f"{'floor (pty + bus)':<40}{floor50:>9.3f}{floor99:>9.3f}")
    print(f"{'  of which keypad frame → called event':<40}{pct(to_event, 50):>9.3f}"
          f"{pct(to_event, 99):>9.3f}")
    print(f"{'keypad frame → display frame complete':<40}{pct(latencies, 50):>9.3f}"
          f"{pct(latencies, 99):>9.3f}")
    print(f"p99 / floor p99 = {pct(latencies, 99) / floor99:.1f} (goal ≤ 3); p99 goal < 30 ms")


if __name__ == "__main__":
    main()
