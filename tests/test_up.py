"""`hallctl up` brings the demo hall online, keeps it up, and stops it all."""

from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import subprocess
import time

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


def test_up_brings_the_demo_hall_online_restarts_a_crash_and_stops(tmp_path, child_env):
    cfg_path = tmp_path / "demo-hall.toml"
    cfg_path.write_text(DEMO.read_text().replace('storage_dir = "../var/demo-hall"',
                                                 f'storage_dir = "{tmp_path / "var"}"'))
    up = subprocess.Popen(hallctl_argv("up", str(cfg_path)), env=child_env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        out = read_until(up, "is up", 40)
        assert "broker mosquitto" in out and "users+ACL" in out
        assert "daemon hall" in out and "online" in out

        rows = status(cfg_path, child_env)
        assert {(r["id"], r["state"]) for r in rows if r["kind"] == "daemon"} == \
            {("hall", "online"), ("queue", "online"), ("keypad", "online"), ("display", "online"),
             ("printer", "online")}
        # The demo's keypads are simulated on ptys that the simulator host opened.
        keypad_rows = [r for r in rows if r["kind"] == "keypad"]
        assert len(keypad_rows) == 12 and {r["state"] for r in keypad_rows} == {"online"}
        hall = next(r for r in rows if r["kind"] == "daemon" and r["id"] == "hall")

        # The demo hall takes and calls tickets from the shell.
        def queue(*args):
            return subprocess.run(hallctl_argv("queue", *args, "-c", str(cfg_path)), env=child_env,
                                  capture_output=True, text=True, timeout=20)
        taken = queue("take", "A")
        assert taken.returncode == 0 and taken.stdout.startswith("A001  不动产登记"), taken
        # A ticket taken at a kiosk comes out of its simulated printer as a PNG; paper out
        # shows on hallctl status and reaches the kiosk.
        at_kiosk = queue("take", "A", "--kiosk", "kiosk-1")
        assert at_kiosk.stdout.startswith("A002") and "printer: printed on printer-kiosk-1" in \
            at_kiosk.stdout, at_kiosk
        pictures = list((tmp_path / "var" / "sim" / "printer" / "printer-kiosk-1").glob("*A002.png"))
        assert len(pictures) == 1
        if shutil.which("zbarimg"):
            qr = subprocess.run(["zbarimg", "-q", "--raw", str(pictures[0])], capture_output=True,
                                text=True).stdout
            assert qr.startswith("hallkit:ticket:demo:")
        subprocess.run(hallctl_argv("sim", "printer", "printer-kiosk-1", "paper_out", "-c",
                                    str(cfg_path)), env=child_env, check=True, timeout=20)
        deadline = time.monotonic() + 10
        while not any(r["id"] == "printer-kiosk-1" and r["detail"] == "paper_out"
                      for r in status(cfg_path, child_env)):
            assert time.monotonic() < deadline
            time.sleep(0.3)
        test_page = subprocess.run(hallctl_argv("printer", "test", "kiosk-1", "-c", str(cfg_path)),
                                   env=child_env, capture_output=True, text=True, timeout=20)
        assert test_page.returncode == 1
        assert "not_printed (paper_out: 测试页未能打印（打印机缺纸）)" in test_page.stdout
        no_paper = queue("take", "A", "--kiosk", "kiosk-1")
        assert "printer: not_printed on printer-kiosk-1: 打印机缺纸" in no_paper.stdout, no_paper
        assert queue("call", "3").stderr.startswith("not_logged_in: 3号窗口未登录")
        assert queue("login", "3", "1001").returncode == 0
        assert queue("call", "3").stdout.strip() == "请 A001 号到 3号窗口办理"
        shown = queue("show").stdout
        assert "3       serving  1001    A001" in shown
        # An appointment booked for now checks in to the priority lane.
        from datetime import datetime
        from zoneinfo import ZoneInfo
        now = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%H:%M")
        assert queue("book", "YY0001", "SB", now).stdout.strip() == "appointment YY0001 booked"
        checked = queue("check-in", "YY0001")
        assert checked.returncode == 0 and checked.stdout.startswith("B001  社保"), checked
        assert queue("check-in", "YY0001").stderr.startswith("duplicate: 已签到，号码 B001")

        # A clerk at window 5 (社保, 医保) logs in on the keypad and calls B001.
        def press(device, key):
            proc = subprocess.run(hallctl_argv("sim", "press", device, key, "-c", str(cfg_path)),
                                  env=child_env, capture_output=True, text=True, timeout=20)
            return proc.stdout.strip()
        assert [press("keypad-5", k) for k in ("1", "0", "0", "2", "login")][-1] == "keypad-5 LED: ON"
        assert press("keypad-5", "call") == "keypad-5 LED: B001"
        # …and window 5's LED display calls B001 too.
        deadline = time.monotonic() + 10
        while True:
            shown = subprocess.run(hallctl_argv("sim", "show", "-c", str(cfg_path)), env=child_env,
                                   capture_output=True, text=True, timeout=20).stdout
            if "display-5        [calling] 请B001号 / 5号窗口" in shown:
                break
            assert time.monotonic() < deadline, shown
            time.sleep(0.3)
        pid = int(hall["detail"].split()[1])

        # A crashed daemon is restarted by the supervisor.
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 20
        while True:
            rows = status(cfg_path, child_env)
            hall = next((r for r in rows if r["kind"] == "daemon" and r["id"] == "hall"), {})
            if hall.get("state") == "online" and hall["detail"] != f"pid {pid}":
                break
            assert time.monotonic() < deadline, rows
            time.sleep(0.3)
        new_pid = int(hall["detail"].split()[1])
        broker_pid = json.loads((tmp_path / "var" / "run" / "broker.json").read_text())["pid"]

        # The broker dies: the supervisor restarts it on its port, the daemons reconnect.
        os.kill(broker_pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while True:
            try:
                rows = status(cfg_path, child_env)
            except json.JSONDecodeError:
                rows = []
            daemons = {(r["id"], r["state"]) for r in rows if r["kind"] == "daemon"}
            if daemons == {("hall", "online"), ("queue", "online"), ("keypad", "online"),
                           ("display", "online"), ("printer", "online")}:
                break
            assert time.monotonic() < deadline, rows
            time.sleep(0.5)
        broker_pid = json.loads((tmp_path / "var" / "run" / "broker.json").read_text())["pid"]
        assert queue("take", "A").stdout.startswith("A004")

        text = subprocess.run(hallctl_argv("status", "-c", str(cfg_path)), env=child_env,
                              capture_output=True, text=True, timeout=20)
        assert text.returncode == 0 and "hall" in text.stdout and "online" in text.stdout

        up.send_signal(signal.SIGINT)
        assert up.wait(15) == 0
        assert not alive(new_pid) and not alive(broker_pid)
        assert not (tmp_path / "var" / "run" / "broker.json").exists()
    finally:
        if up.poll() is None:
            up.kill()


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
