"""The document lockers at hall scale: 500 compartments on 21 simulated 24-lock 8A/80
boards, 7 to each of 3 RS-485 lines at 9600 baud.

    python bench/lockers.py [--items 60]

mosquitto, the simulator host (`hallctl sim run`) and the locker daemon run as their own
processes. The simulated boards answer when the request and the reply would have crossed
a real 9600-baud line (a pty itself is instant), and a door springs open 150 ms after its
latch is pulsed, as the boards' sheets say. Staff deposit ``--items`` papers over the bus
(each door then shut through the simulator); then each code from the SMS outbox file is
entered at a random moment of the poll cycle and timed:
- code entered → the daemon's "door opened" event (the open command, and polling the
  lock until the door reads open: the protocol's confirmation);
- each line's full poll round (every board asked once, no opens in between), as the
  daemon publishes it, against the line's floor: the request's and the reply's bytes at
  9600 baud plus the 50 ms gap the protocol asks after every reply. The floor without the
  gap is printed too.
Beside them, the same run's bare bus round trip.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import time
from pathlib import Path

from hallkit.bus.client import BusClient, BusSettings
from hallkit.drivers.lockboard.line import GAP_S

from benchhall import (
    hall_header,
    pct,
    round_trips,
    scratch_with_broker,
    start_daemons,
    stop_daemons,
)

LINES = ("a", "b", "c")
BOARDS, LOCKS, COMPARTMENTS = 21, 24, 500
BAUD, BITS = 9600, 10           # 8N1
POLL_BYTES = 5 + 7              # 8A/80 "query all" and its reply
SIZES = ["S"] * 14 + ["M"] * 5 + ["L"] * 2  # by board


def board_id(k: int) -> str:
    return f"lb-{k + 1:02d}"


def hall_config(storage: Path, port: int) -> str:
    """Board k on line k % 3, so the first papers (size S, lowest numbers) fill boards on
    every line."""
    text = hall_header(storage, port, ["BDC"], 3)
    text += '[devices.kiosk-1]\nkind = "kiosk"\n'  # where citizens enter their codes
    groups = []
    for k in range(BOARDS):
        text += (f'[devices.{board_id(k)}]\nkind = "locker_board"\nfamily = "8a80"\n'
                 f'link = "sim://lockers-{LINES[k % 3]}"\naddress = {k // 3 + 1}\nlocks = {LOCKS}\n')
        count = min(LOCKS, COMPARTMENTS - k * LOCKS)
        groups.append(f'{{ first = {k * LOCKS + 1}, count = {count}, board = "{board_id(k)}", '
                      f'first_lock = 1, size = "{SIZES[k]}" }}')
    listed = ",\n  ".join(groups)
    text += ('[[lockers]]\nid = "l1"\nname_zh = "自助文件柜"\nname_en = "Document locker"\n'
             f'compartments = [\n  {listed},\n]\n')
    return text


def board_of(number: int) -> tuple[str, int]:
    k = (number - 1) // LOCKS
    return board_id(k), number - k * LOCKS


class Bench:
    def __init__(self, port: int, sms_file: Path) -> None:
        self.ops = BusClient(BusSettings(port=port, username="hallctl"), "bench-ops", hall="bench")
        self.kiosk = BusClient(BusSettings(port=port, username="kiosk-1"), "bench-kiosk", hall="bench")
        self.sms_file = sms_file
        self.events: dict[str, dict[str, dict]] = {"door": {}, "done": {}}
        self.rounds: dict[str, dict[int, float]] = {}  # line → round count → its ms
        self.ops.subscribe("hall/bench/locker/main/event/#", self._event)
        self.ops.subscribe("hall/bench/locker/main/state", self._state)

    def _event(self, topic: str, payload: bytes) -> None:
        name, data = topic.split("/")[5], json.loads(payload)
        if name in self.events:
            self.events[name][data["data"]["op_id"]] = {**data["data"], "at": time.perf_counter()}

    def _state(self, topic: str, payload: bytes) -> None:
        for line in json.loads(payload).get("lines", []):
            if line.get("round_ms") is not None:
                self.rounds.setdefault(line["line"], {})[line["rounds"]] = line["round_ms"]

    async def until(self, condition, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("no word from the locker daemon in time")
            await asyncio.sleep(0.002)

    async def ask(self, component: str, action: str, data: dict, client: BusClient | None = None) -> dict:
        topic = f"hall/bench/{component}/main/cmd/{action}"
        reply = await (client or self.ops).request(topic, data, timeout=10)
        if reply.status != "ok":
            raise RuntimeError(f"{action}: {reply.error}")
        return reply.data

    async def shut(self, op: str, number: int) -> None:
        """A person closes the door the operation opened, and the daemon hears it."""
        await self.until(lambda: self.events["door"].get(op, {}).get("outcome") == "opened")
        board, lock = board_of(number)
        await self.ask("sim", "door", {"device": board, "lock": str(lock), "action": "close"})
        await self.until(lambda: op in self.events["done"])

    async def deposit(self, n: int) -> None:
        opening = await self.ask("locker", "deposit", {"case_no": f"QH2026113000{n:04d}", "size": "S",
                                                       "phone": f"139{n:08d}"})
        await self.shut(opening["op_id"], opening["number"])
        assert self.events["done"][opening["op_id"]]["outcome"] == "deposited"

    def codes(self) -> dict[int, str]:
        found = {}
        if self.sms_file.exists():
            for line in self.sms_file.read_text(encoding="utf-8").splitlines():
                m = re.search(r"(\d+)号柜，取件码(\d+)", json.loads(line)["text"])
                found[int(m[1])] = m[2]
        return found

    async def pickup(self, number: int, code: str) -> float:
        await asyncio.sleep(random.uniform(0, 0.5))  # anywhere in the poll round
        t0 = time.perf_counter()
        answer = await self.ask("locker", "pickup", {"code": code}, self.kiosk)
        assert (answer["outcome"], answer["number"]) == ("opening", number), answer
        op = answer["op_id"]
        await self.until(lambda: op in self.events["door"])
        took = self.events["door"][op]["at"] - t0
        assert self.events["door"][op]["outcome"] == "opened"
        await self.shut(op, number)
        assert self.events["done"][op]["outcome"] == "collected"
        return took


async def measure(port: int, sms_file: Path, items: int) -> tuple[list[float], dict[str, dict[int, float]]]:
    bench = Bench(port, sms_file)
    await bench.ops.connect()
    await bench.kiosk.connect()
    await bench.until(lambda: len(bench.rounds) == len(LINES), timeout=30)  # every board read
    for first in range(0, items, 6):  # six staff at once
        await asyncio.gather(*(bench.deposit(n) for n in range(first, min(items, first + 6))))
    await bench.until(lambda: len(bench.codes()) == items, timeout=60)
    samples = [await bench.pickup(number, code) for number, code in sorted(bench.codes().items())]
    await bench.ops.close()
    await bench.kiosk.close()
    return samples, bench.rounds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=60)
    args = parser.parse_args()
    with scratch_with_broker("bench-lockers-") as (tmp, broker):
        cfg_path = tmp / "hall.toml"
        cfg_path.write_text(hall_config(tmp / "store", broker.port))
        procs = start_daemons(cfg_path, ("locker",), tmp / "daemons.log", simulators=True)
        try:
            pickups, rounds = asyncio.run(measure(broker.port, tmp / "store" / "sms" / "sent.jsonl",
                                                  args.items))
            rtt = asyncio.run(round_trips(broker.port, 200))
        finally:
            stop_daemons(procs)
    boards_per_line = BOARDS // len(LINES)
    bytes_floor = boards_per_line * POLL_BYTES * BITS / BAUD
    floor = bytes_floor + boards_per_line * GAP_S
    print(f"locker benchmark ({os.cpu_count()} cores, {COMPARTMENTS} compartments on {BOARDS} boards, "
          f"{len(LINES)} lines at {BAUD} baud, {args.items} pickups)")
    print(f"{'measure':<52}{'p50 ms':>9}{'p99 ms':>9}")
    for name, samples in (("bus round trip (bare echo), same run", rtt),
                          ("pickup code entered → door open confirmed", pickups)):
        print(f"{name:<52}{pct(samples, 50):>9.1f}{pct(samples, 99):>9.1f}")
    print(f"poll round per line ({boards_per_line} boards): floor {floor * 1000:.1f} ms "
          f"(bytes {bytes_floor * 1000:.1f} + gaps {boards_per_line * GAP_S * 1000:.0f})")
    worst = 0.0
    for line, seen in sorted(rounds.items()):
        ms = sorted(seen.values())
        worst = max(worst, ms[-1] / 1000 / floor)
        print(f"  {line}: {len(ms)} rounds seen, median {ms[len(ms) // 2]:.0f} ms, max {ms[-1]:.0f} ms "
              f"= {ms[len(ms) // 2] / 1000 / floor:.2f}× / {ms[-1] / 1000 / floor:.2f}× the floor")
    print(f"goals: pickup p99 < 1000 ms: {'met' if pct(pickups, 99) < 1000 else 'NOT met'}; "
          f"poll round ≤ 1.5× floor: {'met' if worst <= 1.5 else 'NOT met'}")


if __name__ == "__main__":
    main()
