"""The clerk console, offscreen, against a real broker and the queue daemon."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

pytest.importorskip("PyQt6")

from PyQt6.QtCore import Qt

from hallkit.bus.client import BusClient
from hallkit.bus.settings import bus_settings
from hallkit.cli.console_cmd import read_directory, setup_from_directory
from hallkit.config.load import load_config
from hallkit.kiosk_ui.bus_bridge import BusBridge
from hallkit.kiosk_ui.console.window import ConsoleWindow
from hallkit.pins import hash_pin

from conftest import hallctl_argv, small_hall

SHOTS = os.environ.get("HALLKIT_SCREENSHOTS")  # a folder to keep the screenshots in


@pytest.fixture
def hall(tmp_path, broker, write_config, child_env):
    clerk = f'\n[[clerks]]\nid = "1001"\nname_zh = "张三"\npin_hash = "{hash_pin("2468", 1000)}"\n'
    cfg_path = write_config(small_hall(
        tmp_path / "var", port=broker.port, all_day=True,
        extra='\n[devices.console-1]\nkind = "console"\nwindow = 1\n' + clerk))
    daemons = [subprocess.Popen(hallctl_argv("run", name, "--config", str(cfg_path)), env=child_env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
               for name in ("hall", "queue")]  # the hall directory, and the queue
    yield load_config(cfg_path)
    for daemon in daemons:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(10)


def test_console_logs_in_calls_and_ends(hall, qtbot, tmp_path):
    bridge = BusBridge(bus_settings(hall, None), "console-1", hall.hall.id)
    bridge.start()
    setup = setup_from_directory(asyncio.run(read_directory(bus_settings(hall, "console-1"), "t1",
                                                            "console-1")), "console-1")
    assert (setup.number, setup.serves) == (1, ("BDC",))  # from the bus, not the config
    window = ConsoleWindow(bridge, setup)
    qtbot.addWidget(window)
    window.show()
    try:
        # The queue daemon's retained window state reaching the console: it is up and listening.
        qtbot.waitUntil(lambda: window.state.get("state") == "closed", timeout=10000)
        for _ in range(3):
            bridge.request("hall/t1/queue/main/cmd/issue", {"service": "BDC"})
        window.clerk.setText("1001")
        window.pin.setText("1357")
        _shot(window, tmp_path, "console-login.png")
        qtbot.mouseClick(window.login_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "密码错误" in window.statusBar().currentMessage(), timeout=5000)
        assert window.pin.text() == ""  # a typed PIN never stays on screen
        window.pin.setText("2468")
        qtbot.keyClick(window.pin, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "空闲" in window.state_label.text(), timeout=5000)
        assert "张三" in window.state_label.text() and not window.pin.isVisible()
        qtbot.mouseClick(window.buttons["call-next"], Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.ticket.text() == "A001", timeout=5000)
        qtbot.waitUntil(lambda: window.next_list.count() == 2, timeout=5000)
        assert window.next_list.item(0).text().startswith("A002  不动产登记  等0分")
        qtbot.waitUntil(lambda: window.waiting.text() == "等候 Waiting: 2", timeout=5000)
        assert window.service.text() == "不动产登记"
        _shot(window, tmp_path, "console-serving.png")
        qtbot.keyClick(window, Qt.Key.Key_F4)  # end service
        qtbot.waitUntil(lambda: window.ticket.text() == "—", timeout=5000)
        qtbot.waitUntil(lambda: "已办结 A001" in window.statusBar().currentMessage(), timeout=5000)
        qtbot.mouseClick(window.buttons["recall"], Qt.MouseButton.LeftButton)  # nothing to recall
        qtbot.waitUntil(lambda: "serving nobody" in window.statusBar().currentMessage(), timeout=5000)

        # The next-list is asked for again only when this window's part of the queue changed.
        asked, sb_issued = [], []
        sent = bridge.request
        bridge.request = lambda topic, data, tag="": (asked.append(topic), sent(topic, data, tag))[1]
        bridge.message.connect(lambda topic, payload: sb_issued.extend(
            s["issued"] for s in json.loads(payload).get("services", []) if s["code"] == "SB"))
        bridge.request("hall/t1/queue/main/cmd/issue", {"service": "SB"})  # window 2's service
        qtbot.waitUntil(lambda: 1 in sb_issued, timeout=5000)  # the console saw it first
        assert not [t for t in asked if t.endswith("window-next")]
        bridge.request("hall/t1/queue/main/cmd/issue", {"service": "BDC"})  # window 1's
        qtbot.waitUntil(lambda: any(t.endswith("window-next") for t in asked), timeout=5000)
    finally:
        bridge.stop()


def _shot(window, tmp_path, name: str) -> None:
    path = (Path(SHOTS) if SHOTS else tmp_path) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(path))


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("Xvfb"), reason="xvfb is installed by scripts/bootstrap")
def test_the_console_runs_on_a_real_x_server(hall, child_env, run):
    """It aborted under Xvfb on a fresh machine (Qt's xcb libraries were missing)."""
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0", "1280x800x24",
                             "-nolisten", "tcp"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    display = xvfb.stdout.readline().decode().strip()
    env = {**child_env, "DISPLAY": f":{display}", "QT_QPA_PLATFORM": "xcb"}
    env.pop("HALLKIT_CONFIG", None)
    password = hall._source.parent / "console-1.password"  # all a console PC is given
    password.write_text("anything: this test broker is anonymous\n")
    console = subprocess.Popen(hallctl_argv("console", "console-1", "--connect",
                                            f"127.0.0.1:{hall.bus.port}", "--hall", "t1",
                                            "--password-file", str(password)),
                               env=env, cwd="/", stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        async def online() -> dict:
            client = BusClient(bus_settings(hall, "hallctl"), "probe", hall="t1")
            got: asyncio.Queue = asyncio.Queue()
            client.subscribe("hall/t1/console/console-1/status",
                             lambda t, p: got.put_nowait(json.loads(p)))
            await client.connect()
            try:
                async with asyncio.timeout(20):
                    while (status := await got.get())["state"] != "online":
                        pass
                    return status
            finally:
                await client.close()

        status = run(online())
        time.sleep(1.0)
        assert console.poll() is None, console.stdout.read().decode()
        assert status["pid"] == console.pid
    finally:
        console.terminate()
        console.wait(10)
        xvfb.terminate()
        xvfb.wait(10)


def test_a_console_the_directory_does_not_list_is_told_which_are():
    from hallkit.daemons.hall.contract import HallState, ServiceInfo, WindowInfo

    state = HallState(hall="t1", name_zh="测试", name_en="Test", open_now=True, notices=[],
                      services=[ServiceInfo(code="BDC", prefix="A", name_zh="不动产", name_en="RE")],
                      windows=[WindowInfo(number=1, label_zh="1号窗口", label_en="Window 1",
                                          services=["BDC"], consoles=["console-1"])])
    assert setup_from_directory(state, "console-1").label_zh == "1号窗口"
    with pytest.raises(LookupError, match="console-9 operates no window of hall 't1'; its consoles: "
                                          "console-1"):
        setup_from_directory(state, "console-9")
