"""Ticket request on the bus → last byte of the ticket at the simulated printer.

    python bench/print_path.py [--tickets 500] [--rate 10] [--runs 3]

mosquitto, the queue daemon and the printer daemon run as their own processes;
this process is the two kiosks (bus clients) and hosts their two simulated TCP
printers (the real ESC/POS stream, status polls answered). Tickets are taken at
random moments (Poisson, --rate per second over both kiosks). Measured: issue
request sent → the cut command parsed by the simulator. The simulator's PNG
drawing is off here (it would run in this process, between measurements).
Baseline in the same run, at the same pace: a bus request/reply against a bare
echo client. Also: render + encode per ticket in this process (fs and raster).
The measurement runs --runs times with fresh daemons; each run is printed, then the
median and the spread.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from pathlib import Path

from hallkit.bus.client import BusClient, BusSettings
from hallkit.config.load import load_config
from hallkit.daemons.printer.ticket import ticket_blocks
from hallkit.daemons.queue.contract import IssuedEvent
from hallkit.drivers.escpos.encode import Encoder
from hallkit.drivers.escpos.layout import DOTS_80MM
from hallkit.drivers.escpos.sim import PrinterSim

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

KIOSKS = 2
SERVICES = ["BDC", "SB", "YB", "HZ"]



def hall_config(storage: Path, port: int, printer_ports: list[int]) -> str:
    text = hall_header(storage, port, SERVICES, 3)
    text += '[[windows]]\nnumber = 1\nservices = ["BDC", "SB", "YB", "HZ"]\n'
    for n, printer_port in enumerate(printer_ports, 1):
        text += (f'[devices.kiosk-{n}]\nkind = "kiosk"\nprinter = "p-{n}"\n'
                 f'[devices.p-{n}]\nkind = "printer"\nfamily = "escpos"\n'
                 f'link = "tcp:127.0.0.1:{printer_port}"\n')
    return text


def render_cost(cfg, n: int, mode: str) -> tuple[float, list[float]]:
    """(the first ticket, the next n): the first draws every glyph it uses, later ones reuse them."""
    encoder = Encoder(mode)
    rng = random.Random(5)
    samples = []
    for i in range(n + 1):
        t = IssuedEvent(ticket_id=f"{i:016x}", secret=f"{i:012x}", number=f"A{i % 999 + 1:03d}",
                        service="BDC",
                        service_name_zh="BDC", service_name_en="BDC", day="2026-11-23",
                        taken_at=1795395960.0 + i, ahead=rng.randint(0, 80),
                        est_wait_s=rng.uniform(0, 5400), priority_class=rng.choice([None, "elderly"]),
                        id_masked="110***********002X", phone_masked="138****5678", kiosk="kiosk-1")
        t0 = time.perf_counter()
        encoder.encode(ticket_blocks(cfg, t, DOTS_80MM))
        samples.append(time.perf_counter() - t0)
    return samples[0], samples[1:]


async def measure(port: int, sims: list[PrinterSim], tickets: int, rate: float):
    arrived: dict[str, float] = {}
    waiting: dict[str, asyncio.Future] = {}

    def on_ticket(ticket, at):
        number = next((r.text for r in ticket.rows if r.runs and r.runs[0].height == 4), "")
        arrived[number] = at
        if number in waiting and not waiting[number].done():
            waiting[number].set_result(at)

    for sim in sims:
        sim.on_ticket = on_ticket
    kiosks = [BusClient(BusSettings(port=port), f"kiosk-{n}", hall="bench") for n in range(1, KIOSKS + 1)]
    echo = echo_client(port)
    for client in (*kiosks, echo):
        await client.connect()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 20  # both printers polled and online before measuring
    while not all(s.tickets or s.port for s in sims) and loop.time() < deadline:
        await asyncio.sleep(0.1)
    await asyncio.sleep(2)
    latencies: list[float] = []
    replies: list[float] = []
    bus_rtt: list[float] = []

    async def take(i: int) -> None:
        kiosk = kiosks[i % KIOSKS]
        t0 = time.monotonic()
        reply = await kiosk.request("hall/bench/queue/main/cmd/issue",
                                    {"service": SERVICES[i % 4], "kiosk": f"kiosk-{i % KIOSKS + 1}"})
        replies.append(time.monotonic() - t0)
        number = reply.data["number"]
        future = waiting.setdefault(number, loop.create_future())
        if number in arrived and not future.done():
            future.set_result(arrived[number])
        try:
            latencies.append(await asyncio.wait_for(future, 5) - t0)
        except TimeoutError:
            print(f"{number}: not at the printer within 5 s", file=sys.stderr)

    async def floor_sample() -> None:
        t0 = time.monotonic()
        await echo.request(ECHO_PING, {})
        bus_rtt.append(time.monotonic() - t0)

    await arrivals_beside_floor(rate, tickets, 17, take, floor_sample)
    for client in (*kiosks, echo):
        await client.close()
    return latencies, replies, bus_rtt


async def run_all(tmp: Path, broker_port: int, tickets: int, rate: float):
    sims = [PrinterSim(f"p-{n}", save_png=False) for n in range(1, KIOSKS + 1)]
    ports = [await sim.serve_tcp() for sim in sims]
    cfg_path = tmp / "hall.toml"
    cfg_path.write_text(hall_config(tmp / "store", broker_port, ports))
    procs = start_daemons(cfg_path, ("queue", "printer"), tmp / "daemons.log")
    try:
        result = await measure(broker_port, sims, tickets, rate)
    finally:
        await asyncio.to_thread(stop_daemons, procs)
        for sim in sims:
            await sim.close()
    return load_config(cfg_path), result, sum(len(s.tickets) for s in sims)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=500)
    parser.add_argument("--rate", type=float, default=10.0, help="tickets per second, all kiosks")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fsync-ms", type=float, default=0.0,
                        help="delay every sync by this much (hall storage: 5 eMMC, 15 SD card)")
    args = parser.parse_args()
    run_with_slow_disk(args.fsync_ms)
    print(f"ticket request → last byte at the simulated printer: {args.tickets} tickets at "
          f"{args.rate:g}/s over {KIOSKS} kiosks and TCP printers, {args.runs} runs"
          + (f", every sync delayed {active_delay_ms():g} ms" if active_delay_ms() else ""))
    cut99, reply99 = [], []
    for n in range(1, args.runs + 1):
        with scratch_with_broker("bench-print-") as (tmp, broker):
            cfg, (latencies, replies, bus_rtt), printed = asyncio.run(
                run_all(tmp, broker.port, args.tickets, args.rate))
        print(f"run {n}: {len(latencies)} of {args.tickets} tickets at the printer ({printed} printed)")
        print(f"  {'measure':<44}{'p50 ms':>9}{'p99 ms':>9}")
        for name, samples in (("bus request/reply (bare echo)", bus_rtt),
                              ("issue request → reply (queue daemon)", replies),
                              ("issue request → cut at the printer", latencies)):
            print(f"  {name:<44}{pct(samples, 50):>9.3f}{pct(samples, 99):>9.3f}")
        cut99.append(pct(latencies, 99))
        reply99.append(pct(replies, 99))
    (fs_first, fs), (raster_first, raster) = render_cost(cfg, 500, "fs"), render_cost(cfg, 300, "raster")
    print(f"p99 over the runs, median (lowest–highest): request → cut {statistics.median(cut99):.1f} ms "
          f"({min(cut99):.1f}–{max(cut99):.1f}); request → reply {statistics.median(reply99):.2f} ms "
          f"({min(reply99):.2f}–{max(reply99):.2f})")
    print(f"{'render + encode, chinese_mode fs':<44}{pct(fs, 50):>9.3f}{pct(fs, 99):>9.3f}")
    print(f"{'render + encode, chinese_mode raster':<44}{pct(raster, 50):>9.3f}{pct(raster, 99):>9.3f}")
    print(f"first ticket after start (glyphs drawn once): fs {fs_first * 1000:.1f} ms, "
          f"raster {raster_first * 1000:.1f} ms")
    print(f"goals: request → printer p99 < 150 ms in every run: {'met' if max(cut99) < 150 else 'NOT met'}"
          f"; render + encode < 10 ms per ticket: {'met' if pct(fs, 99) < 10 else 'NOT met'}")


if __name__ == "__main__":
    main()
