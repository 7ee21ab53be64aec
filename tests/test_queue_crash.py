"""kill -9 the queue daemon while kiosks issue and windows call; nothing is lost or doubled.

Clients retry each request with the same id until it is answered, as a kiosk
does; the daemon is killed at random moments and restarted.
"""

from __future__ import annotations

import asyncio
import random
import signal
import sqlite3
import subprocess

import pytest

from hallkit.bus.client import BusClient, BusTimeout
from hallkit.bus.settings import bus_settings
from hallkit.config.load import load_config

from conftest import hallctl_argv, small_hall
from hall_storage import slow_disk_env

pytestmark = pytest.mark.slow


async def ask(client: BusClient, action: str, data: dict, rid: str):
    """Retry with the same request id until the daemon answers."""
    while True:
        try:
            return await client.request(f"hall/t1/queue/main/cmd/{action}", data, request_id=rid,
                                        timeout=1.5)
        except BusTimeout:
            continue


@pytest.mark.parametrize("fsync_ms", [0, 5], ids=["this disk", "eMMC-like disk"])
def test_kill_9_loses_and_doubles_nothing(tmp_path, broker, write_config, child_env, run, fsync_ms):
    cfg_path = write_config(small_hall(tmp_path / "var", port=broker.port, all_day=True))
    env = slow_disk_env(fsync_ms, child_env) if fsync_ms else child_env
    cfg = load_config(cfg_path)
    rng = random.Random(7)

    def start():
        with open(tmp_path / "daemon.log", "ab") as log:  # the child keeps its own copy
            return subprocess.Popen(hallctl_argv("run", "queue", "--config", str(cfg_path)),
                                    env=env, stdout=log, stderr=log)

    proc = [start()]
    acked_issues: dict[str, dict] = {}   # request id -> reply data
    last_state: dict[str, str] = {}      # ticket number -> state the last answered command left

    async def kiosk(k: int, client: BusClient):
        for i in range(30):
            rid = f"k{k}-{i}"
            reply = await ask(client, "issue", {"service": "BDC" if i % 2 else "SB"}, rid)
            assert reply.status == "ok", reply
            acked_issues[rid] = reply.data
            # A window may have called it already, if this answer came late (on a retry).
            last_state.setdefault(reply.data["number"], "waiting")
            await asyncio.sleep(rng.uniform(0, 0.05))

    async def window(w: int, client: BusClient):
        await ask(client, "login", {"window": w, "clerk": f"10{w}"}, f"w{w}-login")
        for i in range(40):
            reply = await ask(client, "call-next", {"window": w}, f"w{w}-call-{i}")
            if reply.status == "ok":
                last_state[reply.data["number"]] = "called"
                if reply.data.get("ended"):
                    last_state[reply.data["ended"]] = "done"
                if i % 3 == 0:
                    end = await ask(client, "end", {"window": w}, f"w{w}-end-{i}")
                    assert end.status == "ok", end
                    last_state[end.data["number"]] = "done"
            await asyncio.sleep(rng.uniform(0, 0.05))

    async def killer(stop: asyncio.Event):
        kills = 0
        while not stop.is_set() and kills < 5:
            await asyncio.sleep(rng.uniform(0.4, 1.2))
            proc[0].send_signal(signal.SIGKILL)
            proc[0].wait()
            kills += 1
            await asyncio.sleep(rng.uniform(0, 0.3))
            proc[0] = start()
        return kills

    async def scenario():
        # Five connections of one user (ops), as hallctl may have: replies pair up by request id.
        clients = [BusClient(bus_settings(cfg, "hallctl"), f"client-{n}", hall="t1", persistent=True)
                   for n in range(5)]
        for c in clients:
            await c.connect()
        stop = asyncio.Event()
        kill_task = asyncio.create_task(killer(stop))
        await asyncio.gather(kiosk(1, clients[0]), kiosk(2, clients[1]), kiosk(3, clients[2]),
                             window(1, clients[3]), window(2, clients[4]))
        stop.set()
        kills = await kill_task
        for c in clients:
            await c.close()
        return kills

    try:
        kills = run(scenario(), timeout=120)
    finally:
        proc[0].send_signal(signal.SIGTERM)
        proc[0].wait(10)
    assert kills >= 3

    db = sqlite3.connect(cfg.storage_path / "queue.sqlite")
    tickets = {r[0]: r for r in db.execute("SELECT ticket_id, number, state FROM tickets")}
    # Every answered issue made exactly one ticket, and nothing else made any.
    assert len(acked_issues) == 90
    assert set(tickets) == {d["ticket_id"] for d in acked_issues.values()}
    assert len({r[1] for r in tickets.values()}) == len(tickets)
    # Every ticket is in the state its last answered command left it in.
    states = {number: state for _, number, state in tickets.values()}
    assert states == last_state
