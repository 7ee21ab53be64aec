"""The locker daemon against simulated 8A/80 boards on a real pty and a real broker: a
deposit recorded only when its door is shut, the code by SMS, a pickup by that code (and
never again), a door not shut in time, forced and stuck doors, wrong codes, an overdue
code, and a restart between a door opened and shut."""

from __future__ import annotations

import asyncio
import contextlib
import json

import pytest
from queue_kit import MONDAY_9

from hallkit.bus.client import BusClient
from hallkit.bus.settings import bus_settings
from hallkit.clock import ManualClock
from hallkit.config.load import load_config
from hallkit.daemons.locker.daemon import LockerDaemon
from hallkit.drivers.lock_8a80.codec import Board
from hallkit.drivers.lock_8a80.sim import Frames8A80
from hallkit.drivers.lockboard.sim import LockBoardsSim, SimBoard

from conftest import harness, kiosk_1_devices, small_hall


def locker_hall(path: str) -> str:
    return kiosk_1_devices() + f'''
[devices.lb-1]
kind = "locker_board"
family = "8a80"
link = "serial:{path}"
address = 1
locks = 12

[[lockers]]
id = "l1"
name_zh = "自助文件柜"
name_en = "Document locker"
compartments = [
  {{ first = 1, count = 8, board = "lb-1", first_lock = 1, size = "S" }},
  {{ first = 9, count = 4, board = "lb-1", first_lock = 9, size = "M" }},
]
'''


class Scene:
    def __init__(self, tmp_path, broker, sms: str = "") -> None:
        self.sms_toml = sms  # more of the hall config: [locker] and [locker.sms]
        self.board = Board(1, 12)
        self.sim = LockBoardsSim([SimBoard(1, 12, self.board)], Frames8A80())
        self.tmp, self.broker = tmp_path, broker
        self.clock = None
        self.events: list[tuple[str, str, dict]] = []

    async def start(self):
        await self.sim.start()
        path = self.tmp / "hall.toml"
        path.write_text(small_hall(self.tmp / "var", port=self.broker.port,
                                   extra=locker_hall(self.sim.path) + self.sms_toml))
        self.cfg = load_config(path)
        self.clock = ManualClock(MONDAY_9, self.cfg.hall.timezone)
        self.kiosk = BusClient(bus_settings(self.cfg, "kiosk-1"), "test-kiosk", hall=self.cfg.hall.id)
        self.kiosk.subscribe("hall/t1/locker/main/event/#", lambda t, p: self.events.append(
            (t.split("/")[5], t.split("/")[-1], json.loads(p)["data"])))
        self.states: list[dict] = []
        self.kiosk.subscribe("hall/t1/locker/main/state", lambda t, p: self.states.append(json.loads(p)))
        await self.kiosk.connect()

    @contextlib.asynccontextmanager
    async def daemon(self):
        """The locker daemon, as ops see it, once it has read the board."""
        async with harness(LockerDaemon, self.cfg, clock=self.clock) as ops:
            await self.until(lambda: ops.daemon.engine.boards_up.get("lb-1"))
            yield ops

    async def close(self) -> None:
        await self.kiosk.close()
        self.sim.close()

    def sms(self) -> list[str]:
        path = self.cfg.storage_path / "sms" / "sent.jsonl"
        return [json.loads(line)["text"] for line in path.read_text().splitlines()] if path.exists() else []

    async def until(self, condition, timeout: float = 8.0, tick: bool = False):
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            assert loop.time() < deadline, f"timed out; events {self.events[-4:]}"
            await asyncio.sleep(0.02)
            if tick:
                self.clock.advance(1)

    async def opened(self, op: str) -> None:
        """Until the daemon has the door open (a person shuts it seconds later, not at once)."""
        await self.until(lambda: any(e[0] == "door" and e[2]["op_id"] == op and e[2]["outcome"] == "opened"
                                     for e in self.events))

    def done(self, op: str) -> dict | None:
        return next((e[2] for e in self.events if e[0] == "done" and e[2]["op_id"] == op), None)

    async def deposited(self, ops, case_no: str, **more) -> tuple[dict, str]:
        """A deposit of size S made and its door shut: the operation and the code sent."""
        sent = len(self.sms())
        opening = (await ops.request("deposit", {"case_no": case_no, "size": "S",
                                                 "phone": "13812341234", **more})).data
        await self.opened(opening["op_id"])
        self.sim.door(1, opening["number"], "close")
        await self.until(lambda: self.done(opening["op_id"]) is not None)
        await self.until(lambda: len(self.sms()) > sent, tick=True)
        return opening, self.sms()[-1].split("取件码")[1][:6]

    async def pickup(self, code: str, **more) -> dict:
        reply = await self.kiosk.request("hall/t1/locker/main/cmd/pickup", {"code": code, **more})
        return reply.data


def test_deposit_then_pickup_by_code_and_the_code_dies(tmp_path, broker):
    scene = Scene(tmp_path, broker)

    async def scenario():
        await scene.start()
        async with scene.daemon() as ops:
            opening = (await ops.request("deposit", {"case_no": "QH20261120000207", "size": "M",
                                                     "phone": "13907315678"})).data
            assert (opening["locker"], opening["number"]) == ("l1", 9)  # the smallest that fits
            await scene.opened(opening["op_id"])
            assert scene.sms() == [] and scene.done(opening["op_id"]) is None  # not yet: door open
            scene.sim.door(1, 9, "close")
            await scene.until(lambda: scene.done(opening["op_id"]) is not None)
            assert scene.done(opening["op_id"])["outcome"] == "deposited"
            await scene.until(lambda: scene.sms(), tick=True)
            await scene.until(lambda: scene.states and scene.states[-1]["sms_waiting"] == 0,
                              tick=True)  # the retained state says it was sent
            text = scene.sms()[0]
            code = text.split("取件码")[1][:6]
            assert "自助文件柜9号柜" in text and code.isdigit()
            wrong = await scene.pickup("000000" if code != "000000" else "111111")
            assert wrong["outcome"] == "wrong" and wrong["tries_left"] == 4
            answer = await scene.pickup(code)
            assert (answer["outcome"], answer["number"]) == ("opening", 9)
            await scene.opened(answer["op_id"])
            scene.sim.door(1, 9, "close")
            await scene.until(lambda: scene.done(answer["op_id"]) is not None)
            assert scene.done(answer["op_id"])["outcome"] == "collected"
            assert (await scene.pickup(code))["outcome"] == "wrong"  # dead now
            audit = (await ops.request("audit", {"limit": 4})).data["lines"]
            expected = [("pickup", "collected"), ("pickup", "opened"), ("deposit", "deposited"),
                        ("deposit", "opened")]
            assert [(a["why"], a["outcome"]) for a in audit] == expected
            assert scene.sim.boards[1].opens == [9, 9]  # no other door was ever pulsed
            stored = b"".join(p.read_bytes() for p in scene.cfg.storage_path.glob("locker.sqlite*"))
            assert code.encode() not in stored and b"13907315678" not in stored  # not even in the WAL
        await scene.close()

    asyncio.run(scenario())


def test_a_door_not_shut_in_time_records_nothing_and_forced_or_stuck_doors_leave_service(tmp_path, broker):
    scene = Scene(tmp_path, broker)

    async def scenario():
        await scene.start()
        async with scene.daemon() as ops:
            opening = (await ops.request("deposit", {"case_no": "QH0001", "size": "S",
                                                     "phone": "13812341234"})).data
            await scene.until(lambda: 1 in scene.sim.boards[1].open)
            await scene.until(lambda: scene.done(opening["op_id"]) is not None, tick=True)
            assert scene.done(opening["op_id"])["outcome"] == "not_closed" and scene.sms() == []
            await scene.until(lambda: any(e[2].get("alarm") == "left_open" for e in scene.events), tick=True)
            scene.sim.door(1, 4, "force")
            await scene.until(lambda: any(e[2].get("alarm") == "forced" for e in scene.events))
            scene.sim.door(1, 2, "stick")
            stuck = (await ops.request("deposit", {"case_no": "QH0002", "size": "S",
                                                   "phone": "13812341234"})).data
            assert stuck["number"] == 2  # 1 and 4 are out of service
            await scene.until(lambda: scene.done(stuck["op_id"]) is not None, timeout=10)
            assert scene.done(stuck["op_id"])["outcome"] == "not_opened"
            state = ops.daemon.engine.state()
            out = {c.number: c.alarm for c in state.lockers[0].compartments if c.state == "out_of_service"}
            assert out == {1: "left_open", 2: "stuck", 4: "forced"}
            assert "3 alarm(s): l1 1: left open; l1 2: stuck; l1 4: forced" in state.summary  # hallctl status
            assert (await ops.request("clear", {"locker": "l1", "number": 2})).data == {"cleared": True}
            still_open = await ops.request("clear", {"locker": "l1", "number": 4})
            assert still_open.error.code == "door_open"  # shut it first, or it is left open again
            scene.sim.condition(1, "silent")  # the board's cable pulled
            await scene.until(lambda: "lock board lb-1 offline" in scene.states[-1]["summary"], timeout=10)
        await scene.close()

    asyncio.run(scenario())


def test_a_restart_between_the_door_opening_and_shutting_finishes_the_pickup(tmp_path, broker):
    scene = Scene(tmp_path, broker)

    async def scenario():
        await scene.start()
        async with scene.daemon() as ops:
            _, code = await scene.deposited(ops, "QH0003")
            answer = await scene.pickup(code)
            await scene.opened(answer["op_id"])
        scene.sim.door(1, 1, "close")  # the citizen shuts it while the daemon is down
        async with scene.daemon() as ops:
            await scene.until(lambda: scene.done(answer["op_id"]) is not None)
            assert scene.done(answer["op_id"])["outcome"] == "collected"
            assert (await scene.pickup(code))["outcome"] == "wrong"
        await scene.close()

    asyncio.run(scenario())


def test_a_door_left_open_after_a_pickup_is_asked_to_be_shut_then_alarmed(tmp_path, broker):
    scene = Scene(tmp_path, broker)

    async def scenario():
        await scene.start()
        async with scene.daemon() as ops:
            _, code = await scene.deposited(ops, "QH0006")
            answer = await scene.pickup(code)
            await scene.opened(answer["op_id"])
            await scene.until(lambda: any(e[0] == "close-door" for e in scene.events), tick=True)
            asked = sum(e[0] == "close-door" for e in scene.events)
            for _ in range(30):  # five minutes on: 请关好柜门 now and then, then the alarm
                scene.clock.advance(10)
                await asyncio.sleep(0.05)
            await scene.until(lambda: any(e[2].get("alarm") == "left_open" for e in scene.events), tick=True)
            assert 5 < sum(e[0] == "close-door" for e in scene.events) - asked < 20  # every 20 s, not every 1
            scene.sim.door(1, 1, "close")  # shut at last: the item was taken
            await scene.until(lambda: scene.done(answer["op_id"]) is not None)
            assert scene.done(answer["op_id"])["outcome"] == "collected"
        await scene.close()

    asyncio.run(scenario())


def test_an_overdue_code_never_opens_a_door(tmp_path, broker):
    scene = Scene(tmp_path, broker)

    async def scenario():
        await scene.start()
        async with scene.daemon() as ops:
            _, code = await scene.deposited(ops, "QH0004")
            scene.clock.advance(8 * 86400)  # past the 7 days a code lives
            await scene.until(lambda: any(e[2].get("alarm") == "overdue" for e in scene.events), tick=True)
            assert len(scene.sms()) == 2 and "提醒" in scene.sms()[1]  # the reminder went first
            assert (await scene.pickup(code))["outcome"] == "expired"
            assert scene.sim.boards[1].opens == [1]
        await scene.close()

    asyncio.run(scenario())


def test_where_asked_the_id_numbers_last_4_go_with_the_code(tmp_path, broker):
    scene = Scene(tmp_path, broker, sms="[locker]\nid_last4 = true\n")

    async def scenario():
        await scene.start()
        async with scene.daemon() as ops:
            _, code = await scene.deposited(ops, "QH0005", id_last4="002X")
            assert scene.states[-1]["ask_id_last4"] is True  # the kiosk asks for them
            assert (await scene.pickup(code))["outcome"] == "wrong"  # the code alone opens nothing
            assert (await scene.pickup(code, id_last4="0021"))["outcome"] == "wrong"
            answer = await scene.pickup(code, id_last4="002X")
            assert answer["outcome"] == "opening"
            await scene.opened(answer["op_id"])
            assert scene.sim.boards[1].opens == [1, 1]  # the deposit's, and this one
        await scene.close()

    asyncio.run(scenario())


def test_the_http_gateway_gets_the_template_form_and_a_refusal_is_an_error(tmp_path):
    import http.server
    import threading

    from hallkit.daemons.locker.settings import SmsSettings
    from hallkit.daemons.locker.sms import HttpSms, SendError

    posted: list[dict] = []

    class Gateway(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            posted.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(503 if len(posted) == 2 else 200)
            self.end_headers()
            self.wfile.write(b'{"code":0,"msgId":"m-1"}' if len(posted) == 1 else
                             '{"code":1001,"msg":"bad template","content":"取件码216467"}'.encode())

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    (tmp_path / "sms.secret").write_text("s3cret\n")
    settings = SmsSettings(backend="http", url=f"http://127.0.0.1:{server.server_port}/send",
                           account="qh-zwfw", password_file="sms.secret", template_id="SMS_1029",
                           ok_pattern=r'"code"\s*:\s*0\b')
    gateway = HttpSms(settings, tmp_path)
    try:
        assert gateway.send("13907315678", "取件码216467") == '{"code":0,"msgId":"m-1"}'
        assert posted == [{"account": "qh-zwfw", "password": "s3cret", "templateId": "SMS_1029",
                           "sign": "清河县政务服务中心", "mobile": "13907315678", "content": "取件码216467"}]
        with pytest.raises(SendError, match="503"):
            gateway.send("13907315678", "取件码216467")  # kept in the outbox, sent again later
        with pytest.raises(SendError, match="1001") as refused:  # a 200 that says no is no
            gateway.send("13907315678", "取件码216467")
        assert "216467" not in str(refused.value)  # an answer echoing the code does not keep it
    finally:
        server.shutdown()


def test_the_lock_board_lines_are_given_to_the_locker_daemon_alone(tmp_path):
    from hallkit.config.load import check_text
    from hallkit.daemons.locker.line_access import DROPIN, LineAccessError, udev_rules

    by_id = "/dev/serial/by-id/usb-1a86_USB_Serial_LOCK1-if00-port0"
    cfg, issues = check_text(small_hall(tmp_path, extra=locker_hall(by_id)))
    assert not issues
    rules = udev_rules(cfg).splitlines()
    assert rules[-1] == ('SUBSYSTEM=="tty", SYMLINK=="serial/by-id/usb-1a86_USB_Serial_LOCK1-if00-port0", '
                         'GROUP="hallkit-locker", MODE="0660"')
    assert all(line.startswith(("#", "SUBSYSTEM")) for line in rules)  # udev's one rule a line
    assert "SupplementaryGroups=hallkit-locker" in DROPIN
    modem = "/dev/serial/by-id/usb-Quectel_EC200T-if02-port0"
    cfg, _ = check_text(small_hall(tmp_path, extra=locker_hall(by_id) + f'[locker.sms]\nbackend = "modem"\n'
                                   f'modem_port = "{modem}"\n'))
    assert udev_rules(cfg).splitlines()[-1].endswith('MODE="0660", ENV{ID_MM_DEVICE_IGNORE}="1"')
    cfg, _ = check_text(small_hall(tmp_path, extra=locker_hall("/dev/ttyS1")))
    with pytest.raises(LineAccessError, match="by-id"):
        udev_rules(cfg)  # a name udev cannot match is refused, not passed over
