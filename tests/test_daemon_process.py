"""A daemon as systemd runs it: its own process, sd_notify, signals, crashes."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import time

import pytest

from hallkit.bus.client import BusClient, BusTimeout
from hallkit.bus.settings import bus_settings
from hallkit.config.load import load_config

from conftest import hallctl_argv, small_hall


def start(cfg_path, env, **kw):
    return subprocess.Popen(hallctl_argv("run", "hall", "--config", str(cfg_path)), env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kw)


async def retained_status(cfg) -> dict:
    client = BusClient(bus_settings(cfg, None), f"probe-{time.monotonic_ns()}", hall=cfg.hall.id)
    got = asyncio.Queue()
    client.subscribe(f"hall/{cfg.hall.id}/hall/main/status", lambda t, p: got.put_nowait(json.loads(p)))
    await client.connect()
    try:
        return await asyncio.wait_for(got.get(), 3)
    finally:
        await client.close()


def wait_for_status(run, cfg, state: str, pid: int | None = None, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            status = run(retained_status(cfg))
            if status["state"] == state and (pid is None or status.get("pid") == pid):
                return
        except TimeoutError:
            pass  # nothing retained yet
        assert time.monotonic() < deadline, f"status never became {state}"
        time.sleep(0.1)


def test_sd_notify_ready_after_online_watchdog_then_stopping(tmp_path, broker, write_config,
                                                            child_env, run):
    from hallkit.config.load import load_config
    cfg_path = write_config(small_hall(tmp_path / "var", port=broker.port))
    cfg = load_config(cfg_path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(tmp_path / "notify"))
    sock.settimeout(15)
    env = {**child_env, "NOTIFY_SOCKET": str(tmp_path / "notify"), "WATCHDOG_USEC": "600000"}
    proc = start(cfg_path, env)
    try:
        first = sock.recv(200).decode()
        while first.startswith("STATUS="):
            first = sock.recv(200).decode()
        assert first.startswith("READY=1")
        status = run(retained_status(cfg))  # READY came only after this was out
        assert status["state"] == "online" and status["pid"] == proc.pid
        pings = [sock.recv(200) for _ in range(3)]
        assert pings == [b"WATCHDOG=1"] * 3
        t0 = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        messages = []
        while b"STOPPING=1" not in messages:
            messages.append(sock.recv(200))
        assert proc.wait(5) == 0
        assert time.monotonic() - t0 < 5
        assert run(retained_status(cfg))["state"] == "offline"
    finally:
        if proc.poll() is None:
            proc.kill()


def test_sigint_stops_cleanly_too(tmp_path, broker, write_config, child_env, run):
    from hallkit.config.load import load_config
    cfg_path = write_config(small_hall(tmp_path / "var", port=broker.port))
    proc = start(cfg_path, child_env)
    wait_for_status(run, load_config(cfg_path), "online", proc.pid)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(5) == 0


def test_kill_9_leaves_the_last_will_offline(tmp_path, broker, write_config, child_env, run):
    from hallkit.config.load import load_config
    cfg_path = write_config(small_hall(tmp_path / "var", port=broker.port))
    cfg = load_config(cfg_path)
    proc = start(cfg_path, child_env)
    wait_for_status(run, cfg, "online", proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # The kernel closes the socket; the broker publishes the will at once.
    wait_for_status(run, cfg, "offline", timeout=5)


def test_check_config_exits_78_on_a_bad_config(tmp_path, write_config, child_env):
    good = write_config(small_hall(tmp_path / "var"), "good.toml")
    bad = write_config(small_hall(tmp_path / "var").replace('prefix = "B"', 'prefix = "A"'), "bad.toml")
    ok = subprocess.run(hallctl_argv("run", "hall", "--config", str(good), "--check-config"),
                        env=child_env, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    no = subprocess.run(hallctl_argv("run", "hall", "--config", str(bad), "--check-config"),
                        env=child_env, capture_output=True, text=True)
    assert no.returncode == 78
    assert "services[1].prefix: ticket prefix 'A' is used twice" in no.stderr
    # Without --check-config a bad config also stops before anything starts.
    no = subprocess.run(hallctl_argv("run", "hall", "--config", str(bad)), env=child_env,
                        capture_output=True, text=True)
    assert no.returncode == 78 and not (tmp_path / "var" / "hall.sqlite").exists()


@pytest.mark.slow
def test_a_flood_of_junk_commands_neither_eats_memory_nor_silences_the_daemon(
        tmp_path, broker, write_config, child_env, run):
    # The real clock runs here: open around it.
    cfg_path = write_config(small_hall(tmp_path / "var", port=broker.port, all_day=True))
    cfg = load_config(cfg_path)
    proc = subprocess.Popen(hallctl_argv("run", "queue", "--config", str(cfg_path)), env=child_env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        async def flood_then_ask():
            client = BusClient(bus_settings(cfg, "kiosk-1"), "flooder", hall="t1")
            await client.connect()
            for _ in range(30):  # until the daemon is up and subscribed
                try:
                    await client.request("hall/t1/queue/main/cmd/ticket", {"number": "A001"},
                                         timeout=0.5)
                    break
                except BusTimeout:
                    continue
            junk = [b"not json", b'{"v":1,"id":"x","ts":1}', b'{"v":1,"id":"y","ts":1,"data":[]}']
            for n in range(100_000):
                client.publish("hall/t1/queue/main/cmd/issue/kiosk-1", junk[n % 3], qos=0)
                if n % 2000 == 0:
                    await asyncio.sleep(0)  # let paho write
            rss = []
            answer = None
            for _ in range(60):  # the real command gets through once the junk is drained
                rss.append(_rss_mb(proc.pid))
                try:
                    answer = await client.request("hall/t1/queue/main/cmd/issue", {"service": "BDC"},
                                                  timeout=1, request_id="after-the-flood")
                except BusTimeout:
                    continue
                if answer.status == "ok" or answer.error.code != "busy":
                    break
                await asyncio.sleep(0.5)  # busy: the same id again shortly, as the answer says
            await client.close()
            return answer, max(rss)

        answer, peak = run(flood_then_ask(), timeout=120)
        assert answer is not None and answer.status == "ok", answer
        assert peak < 60, f"RSS peaked at {peak:.1f} MB"
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert len(err.splitlines()) < 100, "the flood filled the log"


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS")) / 1024
