"""`hallctl up` brings the demo hall online, keeps it up, and stops it all."""

from __future__ import annotations

import asyncio
import json
import os
import selectors
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import DEMO, hallctl_argv

pytestmark = pytest.mark.slow


def read_until(proc, marker: str, timeout: float) -> str:
    out = b""
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    while marker.encode() not in out:
        left = deadline - time.monotonic()
        assert left > 0 and proc.poll() is None, f"no {marker!r} in:\n{out.decode()}"
        if sel.select(left):
            out += os.read(proc.stdout.fileno(), 65536)  # unbuffered: select stays truthful
    return out.decode()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def status(cfg_path, env) -> list[dict]:
    proc = subprocess.run(hallctl_argv("status", "-c", str(cfg_path), "--json"), env=env,
                          capture_output=True, text=True, timeout=20)
    return json.loads(proc.stdout) if proc.stdout.strip() else []


@dataclass
class DemoHall:
    """The demo hall brought up once for this module's flows, which run in file order."""

    cfg_path: Path
    storage: Path
    up: subprocess.Popen
    env: dict
    table: str

    def hallctl(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run(hallctl_argv(*args, "-c", str(self.cfg_path)), env=self.env,
                              capture_output=True, text=True, timeout=20, input=stdin)

    def queue(self, *args: str) -> subprocess.CompletedProcess:
        return self.hallctl("queue", *args)

    def daemons(self) -> set[tuple[str, str]]:
        return {(r["id"], r["state"]) for r in status(self.cfg_path, self.env) if r["kind"] == "daemon"}


ALL_ONLINE = {("hall", "online"), ("queue", "online"), ("keypad", "online"), ("display", "online"),
              ("printer", "online"), ("kiosk_devices", "online"), ("cases", "online"), ("guide", "online"),
              ("voice", "online"), ("locker", "online"), ("rating", "online")}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("demo")
    env = dict(os.environ)
    env.pop("NOTIFY_SOCKET", None)
    env.pop("WATCHDOG_USEC", None)
    cfg_path = tmp / "demo-hall.toml"
    cfg_path.write_text(DEMO.read_text().replace('storage_dir = "../var/demo-hall"',
                                                 f'storage_dir = "{tmp / "var"}"'))
    for sample in ("demo-cases.csv", "demo-guide.toml"):  # named by the config, beside it
        shutil.copy(DEMO.parent / sample, tmp / sample)
    up = subprocess.Popen(hallctl_argv("up", str(cfg_path)), env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT)
    try:
        yield DemoHall(cfg_path, tmp / "var", up, env, read_until(up, "is up", 40))
    finally:
        if up.poll() is None:
            up.kill()


def wait_for(predicate, timeout: float, what: str, pause: float = 0.3):
    deadline = time.monotonic() + timeout
    while not (result := predicate()):
        assert time.monotonic() < deadline, what
        time.sleep(pause)
    return result


def test_up_brings_the_demo_hall_online_with_users_and_every_keypad(demo):
    assert "broker mosquitto" in demo.table and "users+ACL" in demo.table
    rows = status(demo.cfg_path, demo.env)
    assert {(r["id"], r["state"]) for r in rows if r["kind"] == "daemon"} == ALL_ONLINE
    # The demo's keypads are simulated on ptys that the simulator host opened.
    keypad_rows = [r for r in rows if r["kind"] == "keypad"]
    assert len(keypad_rows) == 12 and {r["state"] for r in keypad_rows} == {"online"}


def test_up_imports_the_demo_cases_and_guide_the_config_names(demo):
    assert "cases: demo-cases.csv: 12 added" in demo.table
    assert "guide: demo-guide.toml: 19 items in 8 departments" in demo.table
    found = demo.hallctl("guide", "search", "bdc")
    assert found.returncode == 0 and "3 item(s)" in found.stdout
    case = demo.hallctl("cases", "lookup", "--phone-last4", "5678", stdin="430102194805120023\n")
    assert case.returncode == 0 and "QH20261120000207  不动产权证书补证  李*英  ready" in case.stdout


def test_a_card_and_a_scan_at_a_kiosk_reach_that_kiosk(demo, run):
    """`hallctl sim card|scan kiosk-1 …` act on the reader and scanner built into kiosk-1;
    kiosk-1, signed in with its own password, gets what they read."""
    from hallkit.bus.client import BusClient
    from hallkit.bus.settings import bus_settings
    from hallkit.config.load import load_config

    rows = status(demo.cfg_path, demo.env)
    assert {(r["kind"], r["state"]) for r in rows if r["id"].startswith(("idreader-", "scanner-"))} \
        == {("id_reader", "online"), ("scanner", "online")}
    cfg = load_config(demo.cfg_path)

    async def at_kiosk():
        kiosk = BusClient(bus_settings(cfg, "kiosk-1"), "kiosk-1", hall=cfg.hall.id)
        got = []
        kiosk.subscribe("hall/demo/kiosk_devices/main/event/+/kiosk-1",
                        lambda t, p: got.append((t.split("/")[-2], json.loads(p)["data"])))
        await kiosk.connect()
        for args in (("scan", "kiosk-1", "YY0123"), ("card", "kiosk-1", "li")):
            done = await asyncio.to_thread(demo.hallctl, "sim", *args)
            assert done.returncode == 0, done.stderr
        for _ in range(100):
            if len(got) == 2:
                break
            await asyncio.sleep(0.05)
        await kiosk.close()
        return got

    got = run(at_kiosk(), timeout=20)
    assert got[0] == ("scan", {"device": "scanner-kiosk-1", "code": "YY0123"})
    assert got[1][0] == "card" and got[1][1]["name_masked"] == "李*英"


def test_the_kiosk_app_takes_a_ticket_through_the_halls_own_broker_and_acl(demo, qtbot):
    """The demo's broker has passwords and the generated ACL: the kiosk, signed in as
    kiosk-2, reads its setup, the directory and the figures, takes a ticket and hears its
    printer, and its maintenance PIN is checked by the hall daemon."""
    from PyQt6.QtCore import Qt
    from PyQt6.QtWidgets import QPushButton, QWidget

    from hallkit.bus.settings import bus_settings
    from hallkit.cli.kiosk_cmd import read_setup
    from hallkit.config.load import load_config
    from hallkit.kiosk_ui.bus_bridge import BusBridge
    from hallkit.kiosk_ui.kiosk.window import KioskWindow

    cfg = load_config(demo.cfg_path)
    settings = bus_settings(cfg, "kiosk-2")
    setup = asyncio.run(read_setup(settings, cfg.hall.id, "kiosk-2"))
    assert setup.has_maintenance_pin and setup.printer == "printer-kiosk-2"
    bridge = BusBridge(settings, "kiosk-2", cfg.hall.id)
    bridge.start()
    window = KioskWindow(bridge, cfg.hall.id, "kiosk-2", setup)
    qtbot.addWidget(window)
    try:
        qtbot.waitUntil(lambda: window.directory is not None and window.queue is not None,
                        timeout=15000)
        window.show_home()
        button = window.stack.currentWidget().findChild(QPushButton, "service-SW")
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.screen == "ticket", timeout=10000)
        qtbot.waitUntil(lambda: window.printing == "请取走号票", timeout=15000)
        window.go_home()
        window.show_pin()
        window._pin_typed("2580")
        window._pin_ok()
        qtbot.waitUntil(lambda: window.screen == "maintenance", timeout=10000)
        qtbot.waitUntil(lambda: window.devices.get("printer-kiosk-2") == "online", timeout=10000)
        assert window.stack.currentWidget().findChild(QWidget, "test-print") is not None
    finally:
        bridge.stop()


def test_tickets_print_at_kiosks_and_paper_out_reaches_the_kiosk(demo):
    taken = demo.queue("take", "A")
    assert taken.returncode == 0 and taken.stdout.startswith("A001  不动产登记"), taken
    at_kiosk = demo.queue("take", "A", "--kiosk", "kiosk-1")
    assert at_kiosk.stdout.startswith("A002") and "printer: printed on printer-kiosk-1" in \
        at_kiosk.stdout, at_kiosk
    pictures = list((demo.storage / "sim" / "printer" / "printer-kiosk-1").glob("*A002.png"))
    assert len(pictures) == 1
    if shutil.which("zbarimg"):
        qr = subprocess.run(["zbarimg", "-q", "--raw", str(pictures[0])], capture_output=True,
                            text=True).stdout
        assert qr.startswith("hallkit:ticket:demo:")
    assert demo.hallctl("sim", "printer", "printer-kiosk-1", "paper_out").returncode == 0
    wait_for(lambda: any(r["id"] == "printer-kiosk-1" and r["detail"] == "paper_out"
                         for r in status(demo.cfg_path, demo.env)), 10, "paper_out in status")
    test_page = demo.hallctl("printer", "test", "kiosk-1")
    assert test_page.returncode == 1
    assert "not_printed (paper_out: 测试页未能打印（打印机缺纸）)" in test_page.stdout
    no_paper = demo.queue("take", "A", "--kiosk", "kiosk-1")
    assert "printer: not_printed on printer-kiosk-1: 打印机缺纸" in no_paper.stdout, no_paper
    assert demo.hallctl("sim", "printer", "printer-kiosk-1", "ok").returncode == 0


def test_a_clerk_calls_from_the_shell_and_an_appointment_checks_in(demo):
    assert demo.queue("call", "3").stderr.startswith("not_logged_in: 3号窗口未登录")
    assert demo.queue("login", "3", "1001").returncode == 0
    assert demo.queue("call", "3").stdout.strip() == "请 A001 号到 3号窗口办理"
    assert "3       serving  1001    A001" in demo.queue("show").stdout
    from datetime import datetime
    from zoneinfo import ZoneInfo
    now = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%H:%M")
    assert demo.queue("book", "YY0001", "SB", now).stdout.strip() == "appointment YY0001 booked"
    checked = demo.queue("check-in", "YY0001")
    assert checked.returncode == 0 and checked.stdout.startswith("B001  社保"), checked
    assert demo.queue("check-in", "YY0001").stderr.startswith("duplicate: 已签到，号码 B001")


def test_a_keypad_login_and_call_reach_its_led_and_the_window_display(demo):
    """A clerk at window 5 (社保, 医保) logs in on the keypad and calls B001."""
    def press(key):
        return demo.hallctl("sim", "press", "keypad-5", key).stdout.strip()
    assert [press(k) for k in ("1", "0", "0", "2", "login")][-1] == "keypad-5 LED: ON"
    assert press("call") == "keypad-5 LED: B001"
    wait_for(lambda: "display-5        [calling] 请B001号 / 5号窗口" in demo.hallctl("sim", "show").stdout,
             10, "display-5 calling B001")


def test_a_crashed_daemon_and_a_dead_broker_are_restarted(demo):
    hall = next(r for r in status(demo.cfg_path, demo.env) if r["kind"] == "daemon" and r["id"] == "hall")
    pid = hall["pid"]
    os.kill(pid, signal.SIGKILL)

    def restarted():
        rows = status(demo.cfg_path, demo.env)
        row = next((r for r in rows if r["kind"] == "daemon" and r["id"] == "hall"), {})
        return row.get("state") == "online" and row["pid"] != pid
    wait_for(restarted, 20, "the hall daemon restarted")
    broker_pid = json.loads((demo.storage / "run" / "broker.json").read_text())["pid"]
    os.kill(broker_pid, signal.SIGKILL)  # the supervisor restarts it on its port

    def reconnected():
        try:
            return demo.daemons() == ALL_ONLINE
        except json.JSONDecodeError:
            return False
    wait_for(reconnected, 30, "every daemon back online", pause=0.5)
    assert demo.queue("take", "A").stdout.startswith("A004")


def test_ctrl_c_stops_the_whole_hall(demo):
    pids = [r["pid"] for r in status(demo.cfg_path, demo.env) if r["kind"] == "daemon"]
    broker_pid = json.loads((demo.storage / "run" / "broker.json").read_text())["pid"]
    text = demo.hallctl("status")
    assert text.returncode == 0 and "hall" in text.stdout and "online" in text.stdout
    demo.up.send_signal(signal.SIGINT)
    assert demo.up.wait(15) == 0
    assert not any(alive(p) for p in (*pids, broker_pid))
    assert not (demo.storage / "run" / "broker.json").exists()


def test_status_without_a_running_hall_says_so(tmp_path, child_env):
    cfg_path = tmp_path / "demo-hall.toml"
    cfg_path.write_text(DEMO.read_text().replace('storage_dir = "../var/demo-hall"',
                                                 f'storage_dir = "{tmp_path / "var"}"'))
    proc = subprocess.run(hallctl_argv("status", "-c", str(cfg_path)), env=child_env,
                          capture_output=True, text=True, timeout=20)
    assert proc.returncode == 69
    assert "embedded broker is not running" in proc.stderr


def test_one_supervisor_per_hall_and_its_children_die_with_it(tmp_path, child_env):
    """A second `up` ran two brokers and daemon sets on one store; kill -9 of `up` left seven
    children unsupervised."""
    from conftest import small_hall

    cfg_path = tmp_path / "hall.toml"
    cfg_path.write_text(small_hall(tmp_path / "var", port=0, embedded=True, auth=True))
    first = subprocess.Popen(hallctl_argv("up", str(cfg_path)), env=child_env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
    try:
        table = read_until(first, "is up", 60)
        pids = [int(line.split()[2]) for line in table.splitlines()
                if line.startswith(("broker mosquitto", "daemon "))]
        assert len(pids) >= 5 and all(alive(p) for p in pids)
        second = subprocess.run(hallctl_argv("up", str(cfg_path)), env=child_env, capture_output=True,
                                text=True, timeout=30)
        assert second.returncode == 69
        assert f"already up (hallctl up, pid {first.pid}" in second.stderr
        first.send_signal(signal.SIGKILL)
        first.wait()
        deadline = time.monotonic() + 10
        while any(alive(p) for p in pids):
            assert time.monotonic() < deadline, [p for p in pids if alive(p)]
            time.sleep(0.1)
        again = subprocess.Popen(hallctl_argv("up", str(cfg_path)), env=child_env,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        read_until(again, "is up", 60)  # the lock went with the killed supervisor
        again.send_signal(signal.SIGINT)
        assert again.wait(20) == 0
    finally:
        if first.poll() is None:
            first.kill()
