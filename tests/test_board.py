"""The hall board against a real broker: it builds itself from retained state (which never
blinks), shows a new call large and blinking, says so when the bus drops, and after the
reconnect shows nothing stale as new."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

pytest.importorskip("PyQt6")

from PyQt6.QtWidgets import QLabel
from test_board_layout import hall

from hallkit.bus.client import BusClient, BusSettings
from hallkit.contract.envelope import event_json
from hallkit.daemons.hall.contract import BoardSetup
from hallkit.daemons.queue.contract import CalledEvent, CurrentTicket, WindowState
from hallkit.kiosk_ui.board.window import BoardWindow
from hallkit.kiosk_ui.bus_bridge import BusBridge


class Queue:
    """The queue and hall daemons' side of the bus: a plain client in a thread of its own."""

    def __init__(self, port: int) -> None:
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.client = BusClient(BusSettings(port=port), "test-queue", hall="demo")
        self.run(self.client.connect(timeout=15))

    def run(self, work):
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(20)

    def publish(self, topic: str, payload: bytes, retain: bool = False) -> None:
        async def send():
            self.client.publish(topic, payload, retain=retain, qos=1)
        self.run(send())

    def retained(self, windows: list[WindowState]) -> None:
        directory, queue, _ = hall(12, 8)
        self.publish("hall/demo/hall/main/state", directory.model_dump_json().encode(), retain=True)
        self.publish("hall/demo/queue/main/state", queue.model_dump_json().encode(), retain=True)
        for w in windows:
            self.publish(f"hall/demo/window/{w.window}/state", w.model_dump_json().encode(), retain=True)

    def called(self, number: str, window: int, ts: float) -> None:
        event = CalledEvent(ticket_id=number, number=number, service="S0", window=window,
                            window_label_zh=f"{window}号窗口", window_label_en=f"Window {window}", recall=0)
        self.publish("hall/demo/queue/main/event/called", event_json(event, ts))

    def close(self) -> None:
        self.run(self.client.close())
        self.loop.call_soon_threadsafe(self.loop.stop)


def serving(window: int, number: str, called_at: float) -> WindowState:
    return WindowState(window=window, state="serving", ticket=CurrentTicket(
        ticket_id=number, number=number, service="S0", called_at=called_at, recall=0))


def test_the_board_follows_the_bus_and_after_a_drop_shows_nothing_stale_as_new(qtbot, broker):
    queue = Queue(broker.port)
    queue.retained([serving(3, "B007", time.time() - 60), serving(5, "C020", time.time() - 90)])
    bridge = BusBridge(BusSettings(port=broker.port), "board-1", "demo")
    bridge.start()
    board = BoardWindow(bridge, "demo", "board-1",
                        BoardSetup(board="board-1", screen="landscape", english=True, blink_s=5))
    qtbot.addWidget(board)
    board.show()

    def newest() -> str:
        return board.findChild(QLabel, "newest-number").text()

    try:
        qtbot.waitUntil(lambda: newest() == "B007", timeout=10000)
        assert not board.blinking  # from retained state: not news
        qtbot.waitUntil(lambda: [w.text() for w in board.findChildren(QLabel, "serving-number")
                                 if w.isVisible()] == ["C020"], timeout=5000)
        queue.called("A012", 1, time.time())
        qtbot.waitUntil(lambda: newest() == "A012", timeout=5000)
        assert board.blinking and board.findChild(QLabel, "newest-window").text() == "请到\n1号窗口"
        broker.stop()
        qtbot.waitUntil(lambda: board.findChild(QLabel, "banner").isVisible(), timeout=10000)
        queue.close()
        broker.start()  # back, without its retained messages: the daemons publish them again
        queue = Queue(broker.port)
        queue.retained([serving(1, "A012", time.time() - 20), serving(3, "B007", time.time() - 80)])
        qtbot.waitUntil(lambda: not board.findChild(QLabel, "banner").isVisible(), timeout=20000)
        board.blink_left = 1
        board._blink_tick()
        queue.called("H099", 2, time.time() - 30)  # a call from before the drop, delivered late
        qtbot.wait(500)
        assert newest() == "A012" and not board.blinking
    finally:
        bridge.stop()
        queue.close()
