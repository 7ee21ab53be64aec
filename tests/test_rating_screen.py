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


def test_an_answer_that_comes_late_is_filed_to_its_own_rating_not_the_next(qtbot):
    """The next service ends while the screen waits for the answer to the last rating: the
    answer closes that one, and the next citizen still gets the faces (no broker here: a
    stand-in bridge, so the order of events is the test's)."""
    import time

    from PyQt6.QtCore import QObject, pyqtSignal

    from hallkit.contract.envelope import Reply
    from hallkit.daemons.rating.contract import Ask, RatingSetup, RatingState

    class Bridge(QObject):
        message = pyqtSignal(str, bytes)
        replied = pyqtSignal(str, str, object)
        connection = pyqtSignal(bool)

        def __init__(self):
            super().__init__()
            self.sent = []

        def subscribe(self, pattern):
            pass

        def request(self, topic, data, tag=""):
            self.sent.append(data)
            return f"tag-{len(self.sent)}"

    def ask(n: int) -> Ask:
        return Ask(ask_id=f"a{n}", window=2, ticket_id=f"t{n}", number=f"B00{n}", service="SB",
                   service_name_zh="社保", service_name_en="Social Insurance", asked_at=time.time(),
                   expires_at=time.time() + 60, reasons=["等候时间长"])

    def state(*asks: Ask) -> bytes:
        return RatingState(asks=list(asks), today_rated=0, follow_ups_open=0, follow_ups_overdue=0,
                           outbox_waiting=0, summary="").model_dump_json().encode()

    bridge = Bridge()
    setup = RatingSetup(device="tab-2", window=2, window_label_zh="2号窗口", window_label_en="Window 2",
                        hall_name_zh="测试大厅", hall_name_en="Test Hall", reasons=["等候时间长"])
    screen = RatingWindow(bridge, "t1", "tab-2", setup)
    qtbot.addWidget(screen)
    bridge.message.emit("hall/t1/rating/main/state", state(ask(1)))
    assert screen.screen == "faces"
    tap(qtbot, screen, "level-4")
    assert bridge.sent == [{"window": 2, "ask_id": "a1", "level": 4}]
    bridge.message.emit("hall/t1/rating/main/state", state(ask(2)))  # the next service ended meanwhile
    assert screen.screen == "faces" and screen.ask.ask_id == "a1"  # not swapped under a pending answer
    bridge.replied.emit("tag-1", "rate", Reply(id="r1", status="ok", ts=time.time(),
                                               data={"rating_id": "x", "level": 4, "follow_up": False}))
    assert screen.screen == "thanks" and "a1" in screen.answered and "a2" not in screen.answered
    screen._next()  # the thanks page's time is up
    assert screen.screen == "faces" and screen.ask.ask_id == "a2"  # the next citizen can rate
