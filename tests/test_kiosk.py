"""The self-service kiosk, offscreen, against the real broker and the real hall, queue,
printer and kiosk-devices daemons, with the simulator host's printer and ID card reader
(on TCP and a pty) acting as the kiosk's hardware. Taps are real mouse clicks."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

pytest.importorskip("PyQt6")

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QLabel, QPushButton, QWidget

from hallkit.bus.settings import bus_settings
from hallkit.cli.kiosk_cmd import read_setup
from hallkit.config.load import load_config
from hallkit.kiosk_ui.bus_bridge import BusBridge
from hallkit.kiosk_ui.kiosk.window import KioskWindow
from hallkit.pins import hash_pin

from conftest import hallctl_argv, kiosk_1_devices, small_hall

pytestmark = pytest.mark.slow
SHOTS = os.environ.get("HALLKIT_SCREENSHOTS")
CONFIG = Path(__file__).resolve().parent.parent / "config"

EXTRA = kiosk_1_devices(f'maintenance_pin_hash = "{hash_pin("2580", iterations=1000)}"') + '''
[devices.locker-1]
kind = "locker_board"
family = "8a80"
link = "sim://locker-line"
address = 1
locks = 12

[[lockers]]
id = "l1"
name_zh = "自助文件柜"
name_en = "Document locker"
compartments = [{ first = 1, count = 12, board = "locker-1", first_lock = 1, size = "S" }]

[[services]]
code = "GJJ"
prefix = "G"
name_zh = "公积金"
name_en = "Housing Fund"
daily_quota = 1
ask_id = "optional"

[[windows]]
number = 3
services = ["GJJ"]
'''


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    from hallkit.broker.mosquitto import Mosquitto

    tmp = tmp_path_factory.mktemp("kiosk")
    broker = Mosquitto(tmp / "broker")
    broker.start()
    text = small_hall(tmp / "var", port=broker.port, all_day=True, extra=EXTRA)
    text = text.replace('name_en = "Social Insurance"', 'name_en = "Social Insurance"\nask_id = "required"')
    cfg_path = tmp / "hall.toml"
    cfg_path.write_text(text)
    env = {k: v for k, v in os.environ.items() if k not in ("NOTIFY_SOCKET", "WATCHDOG_USEC")}
    log = open(tmp / "daemons.log", "ab")  # noqa: SIM115 (open for the module's life)
    procs = {name: subprocess.Popen(hallctl_argv(*args, "--config", str(cfg_path)), env=env,
                                    stdout=log, stderr=log)
             for name, args in (("sim", ("sim", "run")), ("hall", ("run", "hall")),
                                ("queue", ("run", "queue")), ("printer", ("run", "printer")),
                                ("kiosk_devices", ("run", "kiosk_devices")), ("cases", ("run", "cases")),
                                ("guide", ("run", "guide")), ("locker", ("run", "locker")))}
    try:  # a daemon that never comes online must not outlive the tests
        cfg = load_config(cfg_path)
        asyncio.run(all_online(cfg, {"hall", "queue", "printer", "kiosk_devices", "sim", "cases",
                                     "guide", "locker"}))
        argv = hallctl_argv("cases", "import", str(CONFIG / "demo-cases.csv"), "-c", str(cfg_path))
        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, done.stderr
        asyncio.run(import_guide(cfg))
        yield cfg, cfg_path, env, procs
    finally:
        for proc in procs.values():
            proc.send_signal(signal.SIGCONT)
            proc.send_signal(signal.SIGTERM)
        for proc in procs.values():
            proc.wait(10)
        log.close()
        broker.stop()


async def import_guide(cfg) -> None:
    """The demo guide's items for this hall's services, as `hallctl guide import` sends them."""
    from hallkit.bus.client import BusClient
    from hallkit.daemons.guide.guidefile import read_guide
    from hallkit.daemons.guide.send import send_guide

    guide = read_guide(CONFIG / "demo-guide.toml")
    services = {s.code for s in cfg.services}
    guide = guide.model_copy(update={"items": [i for i in guide.items if i.service in services]})
    ops = BusClient(bus_settings(cfg, "hallctl"), "kiosk-test-guide", hall=cfg.hall.id)
    await ops.connect()
    await send_guide(ops, cfg.hall.id, guide)
    await ops.close()


async def ping_queue(cfg) -> None:
    from hallkit.bus.client import BusClient

    probe = BusClient(bus_settings(cfg, "hallctl"), "kiosk-test-ping", hall=cfg.hall.id)
    await probe.connect()
    await probe.request("hall/t1/queue/main/cmd/window-next", {"window": 1}, timeout=10)
    await probe.close()


async def all_online(cfg, names: set[str]) -> None:
    """Until each daemon's retained status says online (a ticket taken before the printer
    daemon subscribed would never print: its first session starts empty)."""
    from hallkit.bus.client import BusClient

    online: set[str] = set()
    probe = BusClient(bus_settings(cfg, "hallctl"), "kiosk-test-probe", hall=cfg.hall.id)
    probe.subscribe(f"hall/{cfg.hall.id}/+/main/status", lambda t, p: (
        online.add(t.split("/")[2]) if b'"online"' in p else None))
    await probe.connect()
    for _ in range(300):
        if names <= online:
            break
        await asyncio.sleep(0.05)
    await probe.close()
    assert names <= online, f"not online: {names - online}"


@pytest.fixture
def kiosk(hall, qtbot):
    cfg, *_ = hall
    settings = bus_settings(cfg, "kiosk-1")
    setup = asyncio.run(read_setup(settings, cfg.hall.id, "kiosk-1"))
    bridge = BusBridge(settings, "kiosk-1", cfg.hall.id)
    bridge.start()
    window = KioskWindow(bridge, cfg.hall.id, "kiosk-1", setup)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.directory is not None and window.queue is not None, timeout=15000)
    window.show_home()
    yield window
    bridge.stop()


def sim(hall, *args: str) -> None:
    _, cfg_path, env, _ = hall
    done = subprocess.run(hallctl_argv("sim", *args, "-c", str(cfg_path)), env=env,
                          capture_output=True, text=True, timeout=20)
    assert done.returncode == 0, done.stderr


def tap(qtbot, window: KioskWindow, name: str | None = None, text: str | None = None) -> None:
    """A finger on the button with that object name, or whose text starts with ``text``."""
    page = window.stack.currentWidget()
    buttons = [b for b in page.findChildren(QPushButton) if b.isVisible() and (
        (name and b.objectName() == name) or (text and b.text().startswith(text)))]
    assert buttons, f"no button {name or text!r} on {page.objectName()}: " + \
        ", ".join(b.text().replace("\n", " ") for b in page.findChildren(QPushButton))
    qtbot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)


def shown(window: KioskWindow, name: str) -> str:
    widget = window.stack.currentWidget().findChild(QWidget, name)
    return widget.text() if widget is not None else ""


def on(qtbot, window: KioskWindow, screen: str, timeout: int = 8000) -> None:
    qtbot.waitUntil(lambda: window.stack.currentWidget().objectName() == screen, timeout=timeout)


def grab(window: KioskWindow, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        window.grab().save(str(Path(SHOTS) / f"kiosk-{name}.png"))


def tickets(cfg) -> list[tuple]:
    db = sqlite3.connect(cfg.storage_path / "queue.sqlite")
    return db.execute("SELECT number, service, id_masked FROM tickets ORDER BY id").fetchall()


# -- the flows ----------------------------------------------------------------------------------
def test_a_service_without_id_is_one_tap_to_a_printed_ticket(hall, kiosk, qtbot):
    grab(kiosk, "home")
    taps = 0
    tap(qtbot, kiosk, "service-BDC")
    taps += 1
    on(qtbot, kiosk, "ticket")
    assert shown(kiosk, "number") == "A001" and taps <= 2
    qtbot.waitUntil(lambda: shown(kiosk, "printing") == "请取走号票", timeout=10000)
    grab(kiosk, "ticket")
    number = kiosk.stack.currentWidget().findChild(QWidget, "number")
    assert number.font().pixelSize() >= 0.12 * kiosk.height()


def test_the_id_card_on_the_reader_takes_the_ticket(hall, kiosk, qtbot):
    cfg, *_ = hall
    tap(qtbot, kiosk, "service-SB")
    on(qtbot, kiosk, "id")
    grab(kiosk, "id")
    sim(hall, "card", "kiosk-1", "zhang")  # placed on kiosk-1's reader
    on(qtbot, kiosk, "ticket")
    assert shown(kiosk, "number") == "B001"
    assert tickets(cfg)[-1] == ("B001", "SB", "110***********0031")
    sim(hall, "card", "kiosk-1", "lift")


def test_a_typed_id_number_is_checked_before_it_is_sent(hall, kiosk, qtbot):
    cfg, *_ = hall
    before = len(tickets(cfg))
    tap(qtbot, kiosk, "service-SB")
    on(qtbot, kiosk, "id")
    for key in "11010519491231002":
        tap(qtbot, kiosk, text=key)
    tap(qtbot, kiosk, text="0")  # a wrong check digit
    tap(qtbot, kiosk, "ok")
    assert "身份证号码有误" in shown(kiosk, "problem")
    assert len(tickets(cfg)) == before  # nothing was sent
    tap(qtbot, kiosk, text="删除")
    tap(qtbot, kiosk, text="X")
    assert shown(kiosk, "typed") == "110***********002X"  # masked even while typed
    tap(qtbot, kiosk, "ok")
    on(qtbot, kiosk, "ticket")
    assert tickets(cfg)[-1][1:] == ("SB", "110***********002X")


def test_one_ticket_per_id_shows_the_ticket_already_held(hall, kiosk, qtbot):
    tap(qtbot, kiosk, "service-SB")
    on(qtbot, kiosk, "id")
    sim(hall, "card", "kiosk-1", "zhang")
    on(qtbot, kiosk, "message")
    assert "B001" in shown(kiosk, "sentence") and "已取社保号" in shown(kiosk, "sentence")
    grab(kiosk, "duplicate")
    sim(hall, "card", "kiosk-1", "lift")


def test_a_sold_out_service_says_so_and_what_to_do(hall, kiosk, qtbot):
    for expected in ("ticket", "message"):  # its quota is 1: the second citizen is told
        tap(qtbot, kiosk, "service-GJJ")
        on(qtbot, kiosk, "id")
        tap(qtbot, kiosk, text="不使用身份证")
        on(qtbot, kiosk, expected)
        if expected == "ticket":
            tap(qtbot, kiosk, text="回到首页")
    assert "今日号已取完" in shown(kiosk, "sentence") and "明天" in shown(kiosk, "sentence")


def test_printer_trouble_keeps_the_number_valid_and_shown(hall, kiosk, qtbot):
    sim(hall, "printer", "p-1", "paper_out")
    try:
        tap(qtbot, kiosk, "service-BDC")
        on(qtbot, kiosk, "ticket")
        number = shown(kiosk, "number")
        qtbot.waitUntil(lambda: "未能打印" in shown(kiosk, "printing"), timeout=15000)
        assert number in shown(kiosk, "printing")
        grab(kiosk, "not-printed")
    finally:
        sim(hall, "printer", "p-1", "ok")


def test_a_silent_printer_daemon_leaves_the_number_shown_as_valid(hall, kiosk, qtbot, monkeypatch):
    from hallkit.kiosk_ui.kiosk import window as kiosk_window
    monkeypatch.setattr(kiosk_window, "ACCEPT_WAIT_S", 1)
    _, _, _, procs = hall
    procs["printer"].send_signal(signal.SIGSTOP)
    try:
        tap(qtbot, kiosk, "service-BDC")
        on(qtbot, kiosk, "ticket")
        qtbot.waitUntil(lambda: "未能打印" in shown(kiosk, "printing"), timeout=5000)
        assert shown(kiosk, "number") in shown(kiosk, "printing")
    finally:
        procs["printer"].send_signal(signal.SIGCONT)


def test_a_hung_queue_daemon_never_freezes_the_screen_and_issues_nothing(hall, kiosk, qtbot):
    cfg, _, _, procs = hall
    before = len(tickets(cfg))
    procs["queue"].send_signal(signal.SIGSTOP)
    try:
        t0 = time.monotonic()
        tap(qtbot, kiosk, "service-BDC")
        on(qtbot, kiosk, "busy", timeout=2000)
        assert time.monotonic() - t0 < 1.5  # progress shows at once, the screen answers
        on(qtbot, kiosk, "message", timeout=8000)
        assert "未出号票" in shown(kiosk, "sentence")
        grab(kiosk, "down")
    finally:
        procs["queue"].send_signal(signal.SIGCONT)
    # The daemon catches up (a ping answered means the backlog is done): the request had
    # expired, so nothing was issued.
    asyncio.run(ping_queue(cfg))
    assert len(tickets(cfg)) == before


def test_idle_returns_home_and_forgets_everything(hall, kiosk, qtbot):
    tap(qtbot, kiosk, "language")
    tap(qtbot, kiosk, "service-SB")
    on(qtbot, kiosk, "id")
    tap(qtbot, kiosk, text="1")
    assert kiosk.typed == "1" and kiosk.lang == "en"
    kiosk.idle_left = 11
    kiosk._idle_tick()
    assert kiosk.countdown is not None and "Back to the start in 10 s" in kiosk.countdown.text()
    grab(kiosk, "countdown")
    for _ in range(10):
        kiosk._idle_tick()
    assert kiosk.screen == "home" and kiosk.lang == "zh" and kiosk.typed == "" and not kiosk.elderly
    assert kiosk.countdown is None


# -- appointments -------------------------------------------------------------------------------
def book(hall, code: str, service: str, start: float, id_number: str | None = None) -> None:
    from hallkit.bus.client import BusClient

    cfg, *_ = hall

    async def add():
        ops = BusClient(bus_settings(cfg, "hallctl"), f"book-{code}", hall=cfg.hall.id)
        await ops.connect()
        data = {"code": code, "service": service, "start": start}
        if id_number:
            data["id_number"] = id_number
        reply = await ops.request("hall/t1/queue/main/cmd/appointment-add", data)
        await ops.close()
        assert reply.status == "ok", reply

    asyncio.run(add())


def test_an_appointment_qr_scanned_checks_in_to_the_priority_lane(hall, kiosk, qtbot):
    cfg, *_ = hall
    book(hall, "YY0001", "SB", time.time())
    tap(qtbot, kiosk, "appointment")
    on(qtbot, kiosk, "checkin")
    grab(kiosk, "checkin")
    sim(hall, "scan", "kiosk-1", "https://zwfw.example.gov.cn/appt?code=YY0001")
    on(qtbot, kiosk, "ticket")
    db = sqlite3.connect(cfg.storage_path / "queue.sqlite")
    assert db.execute("SELECT lane, appointment FROM tickets WHERE number = ?",
                      (shown(kiosk, "number"),)).fetchone() == (0, "YY0001")
    tap(qtbot, kiosk, text="回到首页")
    tap(qtbot, kiosk, "appointment")
    sim(hall, "scan", "kiosk-1", "YY0001")  # once more: already checked in, and its number said
    on(qtbot, kiosk, "message")
    assert "您已签到" in shown(kiosk, "sentence")


def test_a_typed_code_too_early_says_when_to_come_back(hall, kiosk, qtbot):
    book(hall, "YY0002", "BDC", time.time() + 3 * 3600)
    tap(qtbot, kiosk, "appointment")
    on(qtbot, kiosk, "checkin")
    for key in "YY0002":
        tap(qtbot, kiosk, text=key)
    assert shown(kiosk, "typed") == "YY0002"
    tap(qtbot, kiosk, "ok")
    on(qtbot, kiosk, "message")
    sentence = shown(kiosk, "sentence")
    assert "签到时间未到" in sentence and ":" in sentence  # the time to come back


def test_the_id_card_finds_todays_appointment(hall, kiosk, qtbot):
    book(hall, "YY0003", "BDC", time.time() + 600, id_number="430102194805120023")
    tap(qtbot, kiosk, "appointment")
    on(qtbot, kiosk, "checkin")
    sim(hall, "card", "kiosk-1", "li")
    on(qtbot, kiosk, "ticket")
    sim(hall, "card", "kiosk-1", "lift")
    tap(qtbot, kiosk, text="回到首页")
    tap(qtbot, kiosk, "appointment")
    on(qtbot, kiosk, "checkin")
    sim(hall, "card", "kiosk-1", "zhang")  # booked nothing
    on(qtbot, kiosk, "message")
    assert "今天没有用此身份证的预约" in shown(kiosk, "sentence")
    sim(hall, "card", "kiosk-1", "lift")


def test_appointment_codes_come_out_of_every_qr_form():
    from hallkit.kiosk_ui.kiosk.codes import appointment_code
    assert appointment_code("YY0001") == "YY0001"
    assert appointment_code("https://zwfw.example.gov.cn/appt?code=YY0001&x=1") == "YY0001"
    assert appointment_code("https://zwfw.example.gov.cn/appt/YY0001/") == "YY0001"
    assert appointment_code("hallkit:appt:demo:YY0001") == "YY0001"
    assert appointment_code("not a code!") is None


def test_the_hall_daemon_checks_the_maintenance_pin_and_locks_after_five_wrong(hall, kiosk, qtbot):
    def enter(pin: str) -> str:
        kiosk._pin_typed(pin)
        tap(qtbot, kiosk, "ok")
        qtbot.waitUntil(lambda: kiosk.pending is None, timeout=8000)
        return shown(kiosk, "problem")

    kiosk.show_pin()
    assert enter("1111") == "密码错误，还可尝试 4 次"
    enter("2580")
    assert kiosk.screen == "maintenance"
    assert "2580" not in kiosk.setup.model_dump_json() and "pbkdf2" not in kiosk.setup.model_dump_json()


def test_maintenance_prints_a_test_page_and_shows_what_the_reader_read(hall, kiosk, qtbot):
    cfg, *_ = hall
    kiosk.show_maintenance()
    tap(qtbot, kiosk, "test-print")
    qtbot.waitUntil(lambda: "测试页已发送" in shown(kiosk, "note"), timeout=8000)
    db = sqlite3.connect(cfg.storage_path / "printer.sqlite")
    qtbot.waitUntil(lambda: db.execute("SELECT COUNT(*) FROM jobs WHERE ticket_id IS NULL"
                                       " AND state = 'printed'").fetchone()[0] == 1, timeout=10000)
    sim(hall, "card", "kiosk-1", "zhang")
    qtbot.waitUntil(lambda: "110***********0031" in shown(kiosk, "note"), timeout=8000)
    sim(hall, "card", "kiosk-1", "lift")
    grab(kiosk, "maintenance")


# -- case lookup and the service guide ---------------------------------------------------------
def texts(window: KioskWindow) -> str:
    page = window.stack.currentWidget()
    return " ".join(w.text() for w in page.findChildren(QLabel) + page.findChildren(QPushButton))


def test_a_scanned_receipt_shows_the_case_and_where_to_collect_it(hall, kiosk, qtbot):
    tap(qtbot, kiosk, "cases")
    on(qtbot, kiosk, "cases")
    sim(hall, "scan", "kiosk-1", "QH20261120000207")  # the barcode on the receipt
    on(qtbot, kiosk, "case-result")
    assert shown(kiosk, "status") == "已办结，待领取"
    assert "24小时自助取件柜" in shown(kiosk, "locker")
    assert "李*英" in texts(kiosk) and "李秀英" not in texts(kiosk)
    grab(kiosk, "case-result")


def test_the_id_card_and_the_phones_last_digits_find_the_citizens_cases(hall, kiosk, qtbot):
    tap(qtbot, kiosk, "cases")
    on(qtbot, kiosk, "cases")
    sim(hall, "card", "kiosk-1", "li")
    on(qtbot, kiosk, "phone")
    sim(hall, "card", "kiosk-1", "lift")
    assert "430***********0023" in texts(kiosk)
    for key in "5679":  # one digit wrong
        tap(qtbot, kiosk, text=key)
    tap(qtbot, kiosk, "ok")
    qtbot.waitUntil(lambda: "还可查询" in shown(kiosk, "problem"), timeout=8000)
    assert kiosk.screen == "phone"  # the same card: only the digits again
    for key in "5678":
        tap(qtbot, kiosk, text=key)
    tap(qtbot, kiosk, "ok")
    on(qtbot, kiosk, "case-result")
    statuses = [w.text() for w in kiosk.stack.currentWidget().findChildren(QLabel, "status")]
    assert statuses == ["已办结，待领取", "办理中"]
    assert "430102194805120023" not in texts(kiosk) and kiosk.card_id is None


def test_the_guide_finds_an_item_by_its_initials_as_typed_and_takes_a_ticket_for_it(hall, kiosk, qtbot):
    tap(qtbot, kiosk, "guide")
    on(qtbot, kiosk, "guide")
    tap(qtbot, kiosk, "search")
    on(qtbot, kiosk, "guide-search")
    for key in "BDC":
        tap(qtbot, kiosk, text=key)
    qtbot.waitUntil(lambda: kiosk.stack.currentWidget().findChild(QPushButton, "item-bdc-transfer")
                    is not None, timeout=8000)
    grab(kiosk, "guide-search")
    tap(qtbot, kiosk, "item-bdc-transfer")
    on(qtbot, kiosk, "guide-item")
    assert "不动产权证书（原件）" in texts(kiosk) and "1号窗口" in texts(kiosk)
    grab(kiosk, "guide-item")
    tap(qtbot, kiosk, "take-ticket")
    on(qtbot, kiosk, "ticket")
    assert shown(kiosk, "number").startswith("A")


# -- the document locker -----------------------------------------------------------------------
def locker_ready(qtbot, kiosk) -> None:
    """Until the locker daemon has read its board (after start-up, the simulator comes first)."""
    qtbot.waitUntil(lambda: kiosk.locker_state is not None and any(
        sum(lk.free.values()) for lk in kiosk.locker_state.lockers), timeout=20000)
    qtbot.waitUntil(lambda: kiosk.stack.currentWidget().findChild(QPushButton, "locker") is not None,
                    timeout=8000)


def test_the_code_from_the_sms_opens_its_door_and_a_drop_off_gets_a_receipt(hall, kiosk, qtbot):
    cfg, cfg_path, env, _ = hall
    locker_ready(qtbot, kiosk)
    deposit = subprocess.Popen(hallctl_argv("locker", "deposit", "QH20261120000207", "S", "--phone",
                                            "13907315678", "-c", str(cfg_path)),
                               env=env, stdout=subprocess.PIPE, text=True)
    assert "l1 1: open" in deposit.stdout.readline()  # staff put the document in, and shut it
    sim(hall, "door", "locker-1", "1", "close")
    assert deposit.wait(20) == 0
    sms = cfg.storage_path / "sms" / "sent.jsonl"
    qtbot.waitUntil(sms.exists, timeout=10000)
    code = sms.read_text().split("取件码")[1][:6]
    qtbot.waitUntil(lambda: kiosk.stack.currentWidget().findChild(QPushButton, "locker") is not None,
                    timeout=8000)
    tap(qtbot, kiosk, "locker")
    tap(qtbot, kiosk, "locker_pickup")
    on(qtbot, kiosk, "locker-entry")
    for digit in code:
        tap(qtbot, kiosk, text=digit)
    tap(qtbot, kiosk, "ok")
    qtbot.waitUntil(lambda: "已打开" in shown(kiosk, "door"), timeout=8000)
    grab(kiosk, "locker-open")
    sim(hall, "door", "locker-1", "1", "close")
    qtbot.waitUntil(lambda: shown(kiosk, "door") == "取件完成，谢谢！", timeout=8000)
    assert code not in texts(kiosk) and kiosk.locker_form == {}
    tap(qtbot, kiosk, text="回到首页")
    tap(qtbot, kiosk, "locker")
    tap(qtbot, kiosk, "locker_dropoff")
    tap(qtbot, kiosk, "open-door")
    qtbot.waitUntil(lambda: "请放入材料" in shown(kiosk, "door"), timeout=8000)
    printed = set((cfg.storage_path / "sim").rglob("*.png"))
    sim(hall, "door", "locker-1", "1", "close")
    qtbot.waitUntil(lambda: "回执号" in shown(kiosk, "door"), timeout=8000)
    grab(kiosk, "locker-receipt")
    receipt = shown(kiosk, "door").split("回执号：")[1]
    assert re.fullmatch(r"D\d{8}-001-\d{3}", receipt) and "取走打印的回执" in shown(kiosk, "door")
    qtbot.waitUntil(lambda: bool(set((cfg.storage_path / "sim").rglob("*.png")) - printed), timeout=8000)
    slip = (set((cfg.storage_path / "sim").rglob("*.png")) - printed).pop()  # the receipt, on paper
    if SHOTS:
        shutil.copy(slip, Path(SHOTS) / "receipt-dropoff.png")
    collect = subprocess.Popen(hallctl_argv("locker", "collect", "l1", "1", "-c", str(cfg_path)),
                               env=env, stdout=subprocess.PIPE, text=True)  # staff at the shell, next morning
    assert "l1 1: open" in collect.stdout.readline()
    sim(hall, "door", "locker-1", "1", "close")
    assert collect.wait(20) == 0 and "l1 1: retrieved" in collect.stdout.read()


def test_staff_at_the_kiosk_take_out_a_drop_off_then_deposit_a_scanned_case(hall, kiosk, qtbot):
    cfg = hall[0]
    sms = cfg.storage_path / "sms" / "sent.jsonl"
    sent = len(sms.read_text().splitlines()) if sms.exists() else 0
    locker_ready(qtbot, kiosk)
    tap(qtbot, kiosk, "locker")  # a citizen leaves papers after hours
    tap(qtbot, kiosk, "locker_dropoff")
    tap(qtbot, kiosk, "open-door")
    qtbot.waitUntil(lambda: bool(kiosk.locker_op) and "请放入材料" in shown(kiosk, "door"), timeout=8000)
    dropped = kiosk.locker_op["number"]
    sim(hall, "door", "locker-1", str(dropped), "close")
    qtbot.waitUntil(lambda: "回执号" in shown(kiosk, "door"), timeout=8000)
    tap(qtbot, kiosk, text="回到首页")

    tap(qtbot, kiosk, "locker")  # staff come in the morning
    tap(qtbot, kiosk, "locker_staff")
    on(qtbot, kiosk, "locker-entry")
    for key in "1001":
        tap(qtbot, kiosk, text=key)
    tap(qtbot, kiosk, "ok")
    for key in "2468":
        tap(qtbot, kiosk, text=key)
    assert "2468" not in texts(kiosk)  # the PIN shows as dots
    tap(qtbot, kiosk, "ok")
    on(qtbot, kiosk, "locker-staff")
    grab(kiosk, "locker-staff")
    tap(qtbot, kiosk, f"collect-l1-{dropped}")
    qtbot.waitUntil(lambda: "请取出" in shown(kiosk, "door"), timeout=8000)
    sim(hall, "door", "locker-1", str(dropped), "close")
    qtbot.waitUntil(lambda: f"已从 {dropped} 号柜取出" in shown(kiosk, "door"), timeout=8000)

    tap(qtbot, kiosk, "staff-more")  # still logged in: the next job
    on(qtbot, kiosk, "locker-staff")
    assert kiosk.stack.currentWidget().findChild(QPushButton, f"collect-l1-{dropped}") is None
    tap(qtbot, kiosk, "staff-deposit")
    qtbot.waitUntil(lambda: kiosk.locker_step == "case", timeout=8000)
    sim(hall, "scan", "kiosk-1", "QH20261120000311")  # the case's barcode
    qtbot.waitUntil(lambda: kiosk.locker_step == "phone", timeout=8000)
    for key in "13907315678":
        tap(qtbot, kiosk, text=key)
    tap(qtbot, kiosk, "ok")
    on(qtbot, kiosk, "locker-size")
    grab(kiosk, "locker-size-staff")
    tap(qtbot, kiosk, "size-S")
    qtbot.waitUntil(lambda: "请放入" in shown(kiosk, "door"), timeout=8000)
    number = kiosk.locker_op["number"]
    sim(hall, "door", "locker-1", str(number), "close")
    qtbot.waitUntil(lambda: f"已存入 {number} 号柜" in shown(kiosk, "door"), timeout=8000)
    qtbot.waitUntil(lambda: sms.exists() and len(sms.read_text().splitlines()) > sent, timeout=10000)
    assert "QH20261120000311" in sms.read_text().splitlines()[-1]
    db = sqlite3.connect(cfg.storage_path / "locker.sqlite")
    last = db.execute("SELECT who, kiosk FROM ops WHERE kind = 'deposit' ORDER BY started_at DESC").fetchone()
    assert last == ("1001", "kiosk-1")  # who put it in, and where
    tap(qtbot, kiosk, "staff-more")
    on(qtbot, kiosk, "locker-staff")
    tap(qtbot, kiosk, text="返回")  # staff leave the locker's menu: whoever comes next is a citizen
    on(qtbot, kiosk, "locker")
    assert kiosk.locker_session is None
