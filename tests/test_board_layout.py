"""The hall board in 16:9 and 9:16, for a hall of 12 windows and one of 60, checked from the
widgets: the newest call's digits at least 12 % of the screen's height, every other number
at least 4 %, 7:1 contrast, every text fitting, nothing piled up. Screenshots go to
$HALLKIT_SCREENSHOTS when it is set."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

pytest.importorskip("PyQt6")

from PyQt6.QtCore import QObject, QRect, pyqtSignal
from PyQt6.QtGui import QFontMetrics, QPalette
from PyQt6.QtWidgets import QLabel, QWidget

from hallkit.contract.envelope import event_json
from hallkit.daemons.hall.contract import BoardSetup, HallState, Notice, ServiceInfo, WindowInfo
from hallkit.daemons.queue.contract import CalledEvent, CurrentTicket, QueueState, ServiceQueue, WindowState
from hallkit.kiosk_ui.board.look import NEWEST_SHARE, NUMBER_SHARE
from hallkit.kiosk_ui.board.window import BoardWindow
from hallkit.kiosk_ui.kiosk.theme import contrast

SHOTS = os.environ.get("HALLKIT_SCREENSHOTS")
NAMES = [("不动产登记", "Real Estate Registration"), ("社保", "Social Insurance"),
         ("医保", "Medical Insurance"), ("公安户政", "Household Registration"), ("税务", "Taxation"),
         ("市场主体登记", "Business Registration"), ("公积金", "Housing Provident Fund"),
         ("综合咨询", "General Enquiries")]


class NoBus(QObject):
    message = pyqtSignal(str, bytes)
    connection = pyqtSignal(bool)
    is_connected = True

    def subscribe(self, pattern: str) -> None:
        pass


def hall(windows: int, services: int) -> tuple[HallState, QueueState, list[WindowState]]:
    codes = [f"S{i}" for i in range(services)]
    directory = HallState(
        hall="demo", name_zh="清河县政务服务中心", name_en="Qinghe County Government Service Center",
        open_now=True,
        services=[ServiceInfo(code=c, prefix=chr(65 + i % 26), name_en=NAMES[i % 8][1],
                              name_zh=NAMES[i % 8][0] + (f"{i // 8 + 1}" if i >= 8 else ""))
                  for i, c in enumerate(codes)],
        windows=[WindowInfo(number=n, label_zh=f"{n}号窗口", label_en=f"Window {n}",
                            services=[codes[n % services]]) for n in range(1, windows + 1)],
        notices=[Notice(id=1, text_zh="今日下午14:00-15:00系统升级，暂停办理不动产登记",
                        text_en="Real estate registration paused 14:00-15:00 today")])
    queue = QueueState(day="2026-11-30", waiting_by_window={}, services=[
        ServiceQueue(code=c, waiting=7 * i + 3, priority_waiting=0, issued=120, windows_open=2,
                     est_wait_s=300.0 * i) for i, c in enumerate(codes)])
    now = time.time()
    states = [WindowState(window=n, state="serving", clerk="1001", ticket=CurrentTicket(
        ticket_id=f"t{n}", number=f"{chr(65 + n % 8)}{100 + n:03d}", service=codes[n % services],
        called_at=now - 600 + n, recall=0)) for n in range(1, windows + 1)]
    return directory, queue, states


def board(qtbot, screen: str, windows: int, services: int, english: bool = True) -> BoardWindow:
    window = BoardWindow(NoBus(), "demo", "board-1",
                         BoardSetup(board="board-1", screen=screen, english=english, blink_s=5))
    qtbot.addWidget(window)
    window.show()
    directory, queue, states = hall(windows, services)
    window._on_message("hall/demo/hall/main/state", directory.model_dump_json().encode())
    window._on_message("hall/demo/queue/main/state", queue.model_dump_json().encode())
    for s in states:
        window._on_message(f"hall/demo/window/{s.window}/state", s.model_dump_json().encode())
    called = CalledEvent(ticket_id="new", number="A012", service="S0", window=windows,
                         window_label_zh=f"{windows}号窗口", window_label_en=f"Window {windows}", recall=0)
    window._on_message("hall/demo/queue/main/event/called", event_json(called, time.time()))
    qtbot.wait(20)
    return window


def digits_tall(w: QLabel) -> int:
    return QFontMetrics(w.font()).tightBoundingRect("0123456789").height()


def background(widget: QWidget):
    while widget is not None and not widget.autoFillBackground():
        widget = widget.parentWidget()
    return widget.palette().color(QPalette.ColorRole.Window)


def problems(window: BoardWindow) -> list[str]:
    height, out = window.height(), []
    labels = [w for w in window.findChildren(QLabel) if w.isVisible() and w.text()
              and w.objectName() not in ("notice", "banner")]  # the notice runs through its strip
    for w in labels:
        if w.objectName() in ("serving-number", "waiting", "est-wait", "newest-window") and \
                digits_tall(w) < NUMBER_SHARE * height:
            out.append(f"{w.text()!r}: digits {digits_tall(w)} px, under 4 % of {height}")
        ratio = contrast(w.palette().color(QPalette.ColorRole.WindowText), background(w))
        if ratio < 7:
            out.append(f"{w.text()!r} at contrast {ratio:.1f}")
        need = QFontMetrics(w.font()).boundingRect(QRect(0, 0, 100000, 100000), 0, w.text())
        if need.width() > w.width() or need.height() > w.height():
            out.append(f"{w.text()[:20]!r} needs {need.width()}×{need.height()}, "
                       f"has {w.width()}×{w.height()}")
        box = QRect(w.mapTo(window, w.rect().topLeft()), w.size())
        if not window.rect().contains(box):
            out.append(f"{w.text()[:20]!r} reaches outside the screen")
    boxes = [(w, QRect(w.mapTo(window, w.rect().topLeft()), w.size())) for w in labels]
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1:]:
            if box_a.intersects(box_b) and not (a.isAncestorOf(b) or b.isAncestorOf(a)):
                out.append(f"{a.text()[:12]!r} overlaps {b.text()[:12]!r}")
    return out


@pytest.mark.parametrize("screen", ["landscape", "portrait"])
@pytest.mark.parametrize(("windows", "services"), [(12, 8), (60, 16)])
def test_the_board_is_readable_at_10_m_and_everything_fits(qtbot, screen, windows, services):
    window = board(qtbot, screen, windows, services)
    newest = window.findChild(QLabel, "newest-number")
    assert newest.text() == "A012" and digits_tall(newest) >= NEWEST_SHARE * window.height()
    serving = [w.text() for w in window.findChildren(QLabel, "serving-number") if w.isVisible()]
    newest_first = [f"{chr(65 + n % 8)}{100 + n:03d}" for n in range(windows, 0, -1)]
    assert serving == newest_first[:len(serving)]  # the most recent calls, newest first
    assert len(serving) >= (8 if screen == "landscape" else 2)
    for phase in ("blink", "steady"):
        if phase == "steady":
            window.blink_left = 1
            window._blink_tick()
        qtbot.wait(10)
        found = problems(window)
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            window.grab().save(str(Path(SHOTS) / f"board-{screen}-{windows}-{phase}.png"))
        assert found == []


def test_a_new_call_blinks_and_a_call_from_retained_state_does_not(qtbot):
    window = board(qtbot, "landscape", 12, 8)
    assert window.blinking and window.painted[0] == "A012"
    window.blink_left = 1
    window._blink_tick()
    assert not window.blinking
    state = WindowState(window=3, state="serving", ticket=CurrentTicket(
        ticket_id="x", number="C200", service="S1", called_at=time.time(), recall=0))
    window._on_message("hall/demo/window/3/state", state.model_dump_json().encode())
    assert window.findChild(QLabel, "newest-number").text() == "C200" and not window.blinking
    stale = CalledEvent(ticket_id="old", number="B050", service="S1", window=2, window_label_zh="2号窗口",
                        window_label_en="Window 2", recall=0)
    window._on_message("hall/demo/queue/main/event/called", event_json(stale, time.time() - 60))
    assert window.findChild(QLabel, "newest-number").text() == "C200" and not window.blinking
    window._on_message("hall/demo/queue/main/event/called", b'{"v":1,"ts":1,"data":[]}')  # junk


def test_the_banner_shows_while_the_bus_is_down(qtbot):
    window = board(qtbot, "portrait", 12, 8, english=False)
    banner = window.findChild(QLabel, "banner")
    assert not banner.isVisible()
    window._on_connection(False)
    assert banner.isVisible() and banner.text() == "连接中断，正在重新连接…"
    window._on_connection(True)
    assert not banner.isVisible()
