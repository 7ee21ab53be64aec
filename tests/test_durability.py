"""Durable before answered, on a disk as slow as a hall box's: the fsync shim itself, a
request that arrives while the disk is busy with an earlier one, and a disk that fails."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import time

import pytest

from hallkit.bus.client import BusClient, BusTimeout
from hallkit.bus.settings import bus_settings
from hallkit.config.load import load_config

from conftest import hallctl_argv, small_hall
from hall_storage import slow_disk_env

COMMIT = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode=WAL")
conn.execute("PRAGMA synchronous=FULL")
conn.execute("CREATE TABLE t (x)")
t0 = time.perf_counter()
conn.execute("BEGIN")
conn.execute("INSERT INTO t VALUES (1)")
conn.execute("COMMIT")
print(time.perf_counter() - t0)
"""


def syncs(log) -> list[tuple[float, float]]:
    """The (start, end) of each sync the shim logged, wall-clock seconds."""
    return [tuple(map(float, line.split())) for line in log.read_text().splitlines()]


def test_the_shim_makes_every_commit_wait_for_the_disk(tmp_path):
    log = tmp_path / "syncs.log"
    out = subprocess.run([sys.executable, "-c", COMMIT, str(tmp_path / "t.sqlite")], check=True,
                         env=slow_disk_env(20, log=log), capture_output=True, text=True)
    assert float(out.stdout) >= 0.020
    assert all(end - start >= 0.020 for start, end in syncs(log))


@pytest.fixture
def queue_on_slow_disk(tmp_path, broker, write_config, child_env):
    """The queue daemon on a disk whose syncs take 250 ms (and fail while ``eio`` exists)."""
    cfg_path = write_config(small_hall(tmp_path / "var", port=broker.port, all_day=True))
    log, eio = tmp_path / "syncs.log", tmp_path / "eio"
    env = slow_disk_env(250, child_env, log=log, fail_while=eio)
    out = tmp_path / "daemon.log"

    def start() -> subprocess.Popen:
        with open(out, "ab") as f:
            return subprocess.Popen(hallctl_argv("run", "queue", "--config", str(cfg_path)),
                                    env=env, stdout=f, stderr=f)

    procs = [start()]
    yield load_config(cfg_path), log, eio, out, start, procs
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(10)


async def client_of(cfg) -> BusClient:
    client = BusClient(bus_settings(cfg, "hallctl"), "durability-test", hall=cfg.hall.id)
    await client.connect()
    return client


ISSUE = "hall/t1/queue/main/cmd/issue"


async def once_online(client: BusClient, data: dict, rid: str):
    """Ask until the daemon, still starting (each of its syncs takes 250 ms), answers."""
    for _ in range(30):
        try:
            return await client.request(ISSUE, data, request_id=rid, timeout=2)
        except BusTimeout:
            continue
    raise AssertionError("the queue daemon never answered")


def test_a_request_arriving_while_the_disk_syncs_is_answered_after_its_own_sync(
        queue_on_slow_disk, run):
    cfg, log, _, _, _, _ = queue_on_slow_disk

    async def scenario():
        client = await client_of(cfg)
        await once_online(client, {"service": "BDC"}, "warm-up")  # start-up's syncs are done
        answered = {}

        async def issue(name: str) -> None:
            reply = await client.request(ISSUE, {"service": "BDC"}, timeout=10)
            assert reply.status == "ok", reply
            answered[name] = time.time()

        sent_a = time.time()
        first = asyncio.create_task(issue("a"))
        await asyncio.sleep(0.1)  # a is committed; the disk is busy with it
        sent_b = time.time()
        await asyncio.gather(first, issue("b"))
        await client.close()
        return sent_a, sent_b, answered

    sent_a, sent_b, answered = run(scenario(), timeout=60)
    spans = [s for s in syncs(log) if s[0] > sent_a]
    during_b = [s for s in spans if s[0] < sent_b < s[1]]
    assert during_b, f"no sync was running when b was sent: {spans}"
    assert answered["a"] >= during_b[0][1]
    # b's commit came after b arrived, so its sync started after that, and its answer after that.
    own = [s for s in spans if s[0] > sent_b and s[1] <= answered["b"]]
    assert own, f"b answered at {answered['b']:.3f}, before any sync begun after it ({spans})"


def test_a_failing_sync_answers_unavailable_stops_the_daemon_and_the_retry_is_done_once(
        queue_on_slow_disk, run):
    cfg, _, eio, out, start, procs = queue_on_slow_disk

    async def ask(rid: str):
        client = await client_of(cfg)
        try:
            return await once_online(client, {"service": "SB"}, rid)
        finally:
            await client.close()

    assert run(ask("first"), timeout=60).status == "ok"
    eio.touch()  # the card starts failing
    reply = run(ask("second"), timeout=60)
    assert reply.status == "error" and reply.error.code == "unavailable", reply
    assert "retry with the same id" in reply.error.message
    assert procs[0].wait(15) == 69  # stopped, to be restarted from what is on disk
    text = out.read_text()
    assert "queue.sqlite" in text and "Input/output error" in text and "Traceback" not in text
    eio.unlink()
    procs.append(start())
    again = run(ask("second"), timeout=60)  # the same id: done once, whichever way it went
    assert again.status == "ok", again
    procs[1].terminate()
    assert procs[1].wait(10) == 0
    db = sqlite3.connect(cfg.storage_path / "queue.sqlite")
    assert db.execute("SELECT number FROM tickets ORDER BY id").fetchall() == [("B001",), ("B002",)]


def test_answers_wait_for_a_sync_begun_after_their_commit_and_keep_their_order(tmp_path, monkeypatch,
                                                                               run):
    """In process, the disk held at os.fdatasync: what commits during a sync waits for the
    next one, one sync covers all of it, and the answers come in commit order."""
    import threading

    from hallkit.runtime import durability

    wal = tmp_path / "s.sqlite-wal"
    wal.write_bytes(b"frames")
    gate, started, real = threading.Semaphore(0), [], os.fdatasync
    monkeypatch.setattr(durability.os, "fdatasync", lambda fd: (started.append(1), gate.acquire(),
                                                                real(fd))[-1])

    async def scenario():
        sync = durability.WalSync(tmp_path / "s.sqlite", "test")
        answered = []
        sync.after_commit(lambda exc: answered.append(("a", exc)))
        await asyncio.sleep(0.05)
        assert len(started) == 1 and answered == []  # a's sync is at the disk
        sync.after_commit(lambda exc: answered.append(("b", exc)))
        sync.after_commit(lambda exc: answered.append(("c", exc)))
        sync.after_commit(lambda exc: answered.append(("read", exc)), wrote=False)
        gate.release()  # a's sync returns: only a may be answered
        await asyncio.sleep(0.05)
        assert answered == [("a", None)] and len(started) == 2
        gate.release()  # the next sync, begun after b and c were committed
        await asyncio.sleep(0.05)
        assert answered == [("a", None), ("b", None), ("c", None), ("read", None)]
        assert len(started) == 2 and sync.idle
        sync.close()

    run(scenario())
