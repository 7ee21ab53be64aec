"""kill -9 the rating daemon (its own process) while a tablet rates and its outbox uploads to
a local platform that fails on purpose at first: no rating lost or doubled, and every one
uploaded in order, at least once, with the platform's answer kept."""

from __future__ import annotations

import asyncio
import http.server
import json
import signal
import sqlite3
import subprocess
import threading

import pytest

from hallkit.bus.client import BusClient, BusTimeout
from hallkit.bus.settings import bus_settings
from hallkit.config.load import load_config

from conftest import hallctl_argv, small_hall

pytestmark = pytest.mark.slow
SERVICES = 6


class Platform:
    """The provincial platform: refuses the first ``failures`` posts, then takes them."""

    def __init__(self, failures: int) -> None:
        self.failures, self.received = failures, []
        platform = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                ok = platform.failures <= 0
                platform.failures -= 1
                if ok:
                    platform.received.append(body)
                self.send_response(200 if ok else 503)
                self.end_headers()
                self.wfile.write(json.dumps({"code": 0, "id": len(platform.received)}).encode())

            def log_message(self, *args):
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


async def until_answered(client: BusClient, topic: str, data: dict, rid: str):
    """A tablet retries with the same request id until the daemon answers."""
    while True:
        try:
            return await client.request(topic, data, request_id=rid, timeout=1.5)
        except BusTimeout:
            continue


def test_kill_9_loses_and_doubles_no_rating_and_the_outbox_resumes(tmp_path, broker, write_config, child_env):
    platform = Platform(failures=2)
    extra = f'''
[devices.tab-2]
kind = "rating"
family = "mqtt-tablet"
link = "mqtt"

[rating.upload]
uploader = "http"
url = "http://127.0.0.1:{platform.server.server_port}/ratings"
retry_s = 0.5
'''
    text = small_hall(tmp_path / "var", port=broker.port, all_day=True, extra=extra)
    text = text.replace('services = ["SB", "BDC"]\n', 'services = ["SB", "BDC"]\nrating = "tab-2"\n')
    cfg_path = write_config(text)
    cfg = load_config(cfg_path)

    def start(name: str):
        with open(tmp_path / f"{name}.log", "ab") as log:
            return subprocess.Popen(hallctl_argv("run", name, "--config", str(cfg_path)), env=child_env,
                                    stdout=log, stderr=log)

    queue, rating = start("queue"), start("rating")
    ratings: list[str] = []

    async def scenario():
        nonlocal rating
        ops = BusClient(bus_settings(cfg, "hallctl"), "crash-ops", hall="t1")
        tablet = BusClient(bus_settings(cfg, "tab-2"), "crash-tablet", hall="t1")
        asks: list[dict] = []
        tablet.subscribe("hall/t1/rating/main/event/ask", lambda t, p: asks.append(json.loads(p)["data"]))
        await ops.connect()
        await tablet.connect()
        await until_answered(ops, "hall/t1/queue/main/cmd/login", {"window": 2, "clerk": "1002"}, "login")
        for i in range(SERVICES):
            await until_answered(ops, "hall/t1/queue/main/cmd/issue", {"service": "SB"}, f"issue-{i}")
            await until_answered(ops, "hall/t1/queue/main/cmd/call-next", {"window": 2}, f"call-{i}")
            await until_answered(ops, "hall/t1/queue/main/cmd/end", {"window": 2}, f"end-{i}")
            for _ in range(500):  # the ask, however long the daemon was away
                if len(asks) > i:
                    break
                await asyncio.sleep(0.02)
            rate = {"window": 2, "ask_id": asks[i]["ask_id"], "level": 5 - i % 5}
            if i == 2:  # the daemon dies with this rating sent and not yet answered
                fut = asyncio.ensure_future(
                    until_answered(tablet, "hall/t1/rating/main/cmd/rate", rate, f"r{i}"))
                await asyncio.sleep(0.05)
                rating.send_signal(signal.SIGKILL)
                rating.wait(5)
                rating = start("rating")
                reply = await fut
            else:
                reply = await until_answered(tablet, "hall/t1/rating/main/cmd/rate", rate, f"r{i}")
            assert reply.status == "ok", reply
            ratings.append(reply.data["rating_id"])
        for _ in range(500):
            if len({r["rating_id"] for r in platform.received}) == SERVICES:
                break
            await asyncio.sleep(0.05)
        await ops.close()
        await tablet.close()

    try:
        asyncio.run(asyncio.wait_for(scenario(), 90))
    finally:
        for proc in (queue, rating):
            proc.send_signal(signal.SIGTERM)
            proc.wait(10)
        platform.server.shutdown()
    db = sqlite3.connect(cfg.storage_path / "rating.sqlite")
    stored = [r[0] for r in db.execute("SELECT id FROM ratings ORDER BY id")]
    assert stored == sorted(ratings) and len(set(ratings)) == SERVICES  # none lost, none doubled
    first_seen = list(dict.fromkeys(r["rating_id"] for r in platform.received))
    assert first_seen == stored  # in order, each at least once
    answers = [r[0] for r in db.execute("SELECT answer FROM outbox WHERE sent_at IS NOT NULL ORDER BY seq")]
    assert len(answers) == SERVICES and all('"code": 0' in a for a in answers)  # the platform's word kept
