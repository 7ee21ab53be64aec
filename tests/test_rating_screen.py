"""The rating screen (PyQt, offscreen) as window 2's rating tablet, against the queue and
rating daemons as their own processes and a real broker: the clerk while serving, the
five faces when the service ends, a bad rating's reasons, thanks; the record filed on
the tablet's channel with its reasons."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
from pathlib import Path

import pytest
from PyQt6.QtWidgets import QLabel, QPushButton, QWidget
from test_kiosk import all_online

from hallkit.bus.client import BusClient
from hallkit.bus.settings import bus_settings
from hallkit.cli.app_launch import read_setup
from hallkit.config.load import load_config
from hallkit.kiosk_ui.bus_bridge import BusBridge
from hallkit.kiosk_ui.rating.window import RatingWindow
from hallkit.pins import hash_pin

from conftest import hallctl_argv, small_hall

pytestmark = pytest.mark.slow
SHOTS = os.environ.get("HALLKIT_SCREENSHOTS")
TABLET = f'''
[devices.tab-2]
kind = "rating"
family = "mqtt-tablet"
link = "mqtt"

[[clerks]]
id = "1002"
name_zh = "王晓燕"
pin_hash = "{hash_pin("2468", iterations=1000)}"
'''


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    from hallkit.broker.mosquitto import Mosquitto

    tmp = tmp_path_factory.mktemp("rating")
    broker = Mosquitto(tmp / "broker")
    broker.start()
    text = small_hall(tmp / "var", port=broker.port, all_day=True, extra=TABLET)
    text = text.replace('services = ["SB", "BDC"]\n', 'services = ["SB", "BDC"]\nrating = "tab-2"\n')
    cfg_path = tmp / "hall.toml"
    cfg_path.write_text(text)
    env = {k: v for k, v in os.environ.items() if k not in ("NOTIFY_SOCKET", "WATCHDOG_USEC")}
    log = open(tmp / "daemons.log", "ab")  # noqa: SIM115 (open for the module's life)
    procs = [subprocess.Popen(hallctl_argv("run", name, "--config", str(cfg_path)), env=env, stdout=log,
                              stderr=log) for name in ("queue", "rating")]
    try:
        cfg = load_config(cfg_path)
        asyncio.run(all_online(cfg, {"queue", "rating"}))
        yield cfg
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(10)
        log.close()
        broker.stop()


def ask(cfg, component: str, action: str, data: dict):
    async def go():
        client = BusClient(bus_settings(cfg, "hallctl"), "rating-screen-test", hall=cfg.hall.id)
        await client.connect()
        try:
            return await client.request(f"hall/{cfg.hall.id}/{component}/main/cmd/{action}", data)
        finally:
            await client.close()
    return asyncio.run(go())


@pytest.fixture
def screen(hall, qtbot):
    settings = bus_settings(hall, "tab-2")
    setup = asyncio.run(read_setup(settings, hall.hall.id, "rating", "tab-2"))
    bridge = BusBridge(settings, "tab-2", hall.hall.id)
    bridge.start()
    window = RatingWindow(bridge, hall.hall.id, "tab-2", setup)
    qtbot.addWidget(window)
    window.show()
    yield window
    bridge.stop()


def shown(window: RatingWindow, name: str) -> str:
    widget = window.stack.currentWidget().findChild(QWidget, name)
    return widget.text() if widget is not None else ""


def tap(qtbot, window: RatingWindow, name: str) -> None:
    from PyQt6.QtCore import Qt

    button = window.stack.currentWidget().findChild(QPushButton, name)
    assert button is not None and button.isEnabled(), f"no button {name} on {window.screen}"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def grab(window: RatingWindow, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        window.grab().save(str(Path(SHOTS) / f"rating-{name}.png"))


def serve(cfg) -> str:
    number = ask(cfg, "queue", "issue", {"service": "SB"}).data["number"]
    assert ask(cfg, "queue", "call-next", {"window": 2}).status == "ok"
    return number


def test_the_citizen_rates_on_the_screen_a_bad_rating_with_its_reasons(hall, screen, qtbot):
    assert ask(hall, "queue", "login", {"window": 2, "clerk": "1002", "pin": "2468"}).status == "ok"
    number = serve(hall)
    qtbot.waitUntil(lambda: screen.screen == "idle" and number in shown(screen, "serving"), timeout=8000)
    assert shown(screen, "clerk-name") == "王晓燕" and "1002" in shown(screen, "clerk-number")
    grab(screen, "serving")
    ask(hall, "queue", "end", {"window": 2})
    qtbot.waitUntil(lambda: screen.screen == "faces", timeout=8000)
    faces = [w.text() for w in screen.stack.currentWidget().findChildren(QLabel, "level-zh")]
    assert faces == ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
    grab(screen, "faces")
    tap(qtbot, screen, "level-1")
    assert screen.screen == "reasons"
    assert not screen.stack.currentWidget().findChild(QPushButton, "send").isEnabled()  # a reason first
    tap(qtbot, screen, "reason-0")
    tap(qtbot, screen, "reason-2")
    grab(screen, "reasons")
    tap(qtbot, screen, "send")
    qtbot.waitUntil(lambda: screen.screen == "thanks", timeout=8000)
    assert shown(screen, "thanks") == "感谢您的评价！"
    grab(screen, "thanks")
    rating = ask(hall, "rating", "list", {"limit": 1}).data["ratings"][0]
    assert (rating["number"], rating["level"], rating["channel"]) == (number, 1, "tablet")
    assert len(rating["reasons"]) == 2 and rating["follow_up"]["state"] == "open"

    number = serve(hall)  # the next citizen: a good rating goes straight through
    ask(hall, "queue", "end", {"window": 2})
    qtbot.waitUntil(lambda: screen.screen == "faces", timeout=8000)
    tap(qtbot, screen, "level-5")
    qtbot.waitUntil(lambda: screen.screen == "thanks", timeout=8000)
    rating = ask(hall, "rating", "list", {"limit": 1}).data["ratings"][0]
    assert (rating["number"], rating["level"]) == (number, 5)
    assert not [w for w in screen.findChildren(QLabel) if "1002" in w.text()]  # thanks: no clerk
