"""kill -9 the locker daemon (its own process, as systemd runs it) with a door open: during
a deposit, and during a pickup. The simulated board on a real pty and the broker stay up;
the door is shut while the daemon is down, or after it is back. Either way the deposit is
recorded once with its code sent, and the pickup is collected once with its code dead."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess

import pytest
from test_locker import locker_hall

from hallkit.bus.client import BusClient, BusSettings
from hallkit.config.load import load_config
from hallkit.drivers.lock_8a80.codec import Board
from hallkit.drivers.lock_8a80.sim import Frames8A80
from hallkit.drivers.lockboard.sim import LockBoardsSim, SimBoard

from conftest import hallctl_argv, small_hall

pytestmark = pytest.mark.slow


class Crashes:
    def __init__(self, tmp_path, broker, env) -> None:
        self.tmp, self.broker, self.env = tmp_path, broker, env
        self.sim = LockBoardsSim([SimBoard(1, 12, Board(1, 12))], Frames8A80(), baud=9600)
        self.events: list[tuple[str, dict]] = []
        self.states: list[dict] = []
        self.online: list[str] = []
        self.proc: subprocess.Popen | None = None

    async def start(self) -> None:
        await self.sim.start()
        self.cfg_path = self.tmp / "hall.toml"
        self.cfg_path.write_text(small_hall(self.tmp / "var", port=self.broker.port, all_day=True,
                                            extra=locker_hall(self.sim.path)))
        self.cfg = load_config(self.cfg_path)
        port = self.broker.port
        self.ops = BusClient(BusSettings(port=port, username="hallctl"), "test-ops", hall="t1")
        self.kiosk = BusClient(BusSettings(port=port, username="kiosk-1"), "test-kiosk", hall="t1")
        for client in (self.ops, self.kiosk):
            client.subscribe("hall/t1/locker/main/event/+/+", lambda t, p: self.events.append(
                (t.split("/")[5], json.loads(p)["data"])))
            await client.connect()
        self.ops.subscribe("hall/t1/locker/main/status",
                           lambda t, p: self.online.append(json.loads(p).get("state")))
        self.ops.subscribe("hall/t1/locker/main/state", lambda t, p: self.states.append(json.loads(p)))
        await self.daemon()

    async def daemon(self) -> None:
        """``hallctl run locker``, until it has read the board (its own word, not the last one's)."""
        self.online.clear()
        self.states.clear()
        with open(self.tmp / "daemon.log", "ab") as log:
            self.proc = subprocess.Popen(hallctl_argv("run", "locker", "--config", str(self.cfg_path)),
                                         env=self.env, stdout=log, stderr=log)
        await self.until(lambda: "online" in self.online)
        await self.until(lambda: self._board_up())

    def _board_up(self) -> bool:
        return bool(self.states) and any(c["state"] != "offline"
                                         for c in self.states[-1]["lockers"][0]["compartments"])

    def kill_9(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    async def close(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        await self.ops.close()
        await self.kiosk.close()
        self.sim.close()

    async def until(self, condition, timeout: float = 15.0) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            assert loop.time() < deadline, f"timed out; events {self.events[-4:]}"
            await asyncio.sleep(0.02)

    def event(self, name: str, op: str) -> dict | None:
        return next((d for n, d in self.events if n == name and d["op_id"] == op), None)

    def sms(self) -> list[str]:
        path = self.cfg.storage_path / "sms" / "sent.jsonl"
        return [json.loads(line)["text"] for line in path.read_text().splitlines()] if path.exists() else []


def test_kill_9_with_the_door_open_during_a_deposit_and_a_pickup(tmp_path, broker, child_env):
    scene = Crashes(tmp_path, broker, child_env)

    async def scenario():
        await scene.start()
        try:
            # A deposit: the door is open, the daemon dies, staff shut the door meanwhile.
            reply = await scene.ops.request("hall/t1/locker/main/cmd/deposit", {
                "case_no": "QH20261120000207", "size": "S", "phone": "13907315678"})
            op, number = reply.data["op_id"], reply.data["number"]
            await scene.until(lambda: scene.event("door", op))
            scene.kill_9()
            scene.sim.door(1, number, "close")
            await scene.daemon()
            await scene.until(lambda: scene.event("done", op))
            assert scene.event("done", op)["outcome"] == "deposited"
            await scene.until(lambda: scene.sms())
            code = scene.sms()[0].split("取件码")[1][:6]

            # A pickup: the door is open, the daemon dies, and it is shut after the restart.
            answer = (await scene.kiosk.request("hall/t1/locker/main/cmd/pickup", {"code": code})).data
            assert answer["outcome"] == "opening" and answer["number"] == number
            await scene.until(lambda: scene.event("door", answer["op_id"]))
            scene.kill_9()
            await scene.daemon()
            assert scene.event("done", answer["op_id"]) is None  # still open: not yet collected
            scene.sim.door(1, number, "close")
            await scene.until(lambda: scene.event("done", answer["op_id"]))
            assert scene.event("done", answer["op_id"])["outcome"] == "collected"
            again = (await scene.kiosk.request("hall/t1/locker/main/cmd/pickup", {"code": code})).data
            assert again["outcome"] == "wrong"  # the code died with the collection
            assert len(scene.sms()) == 1 and scene.sim.boards[1].opens == [number, number]
        finally:
            await scene.close()

    asyncio.run(scenario())
