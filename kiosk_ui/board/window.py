"""The hall board's window: the newest call large (blinking while it is new), the calls
being served, waiting counts and waits per service, the clock, the hall's name and a
scrolling notice. Everything comes from the bus: retained state on (re)connect, which
never blinks, and the queue's `called` events, which do."""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from PyQt6.QtCore import QDateTime, QLocale, Qt, QTimer
from PyQt6.QtGui import QFontMetrics
from PyQt6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QMainWindow, QVBoxLayout, QWidget

from hallkit.contract.envelope import EventOf
from hallkit.contract.topics import Topics
from hallkit.daemons.hall.contract import BoardSetup, HallState
from hallkit.daemons.queue.contract import CalledEvent, QueueState, WindowState
from hallkit.kiosk_ui.board.look import (
    ALERT,
    ALERT_GROUND,
    BLINK_GROUND,
    GROUND,
    NUMBER,
    NUMBER_FAMILY,
    PANEL,
    TEXT,
    BoardLook,
    font,
)
from hallkit.kiosk_ui.bus_bridge import BusBridge
from hallkit.kiosk_ui.kiosk.theme import FONT_FAMILY, paint

log = logging.getLogger(__name__)

SIZES = {"landscape": (1920, 1080), "portrait": (1080, 1920)}
NEW_CALL_S = 10.0      # a call event older than this (held over a reconnect) is not news
BLINK_MS = 500
SERVICES_PAGE_S = 8    # services that do not fit turn over a page at a time
MARQUEE_MS, MARQUEE_STEP = 30, 3
WEEKDAYS_ZH = "一二三四五六日"


@dataclass(frozen=True)
class Call:
    number: str
    window: int
    called_at: float


def label(text: str, px: int, *, fg: str = TEXT, bg: str | None = None, bold: bool = False,
          align=Qt.AlignmentFlag.AlignCenter, name: str = "", number: bool = False) -> QLabel:
    """``number``: a ticket number or a count, in the Latin face (see look.NUMBER_FAMILY)."""
    widget = QLabel(text)
    widget.setFont(font(px, bold, NUMBER_FAMILY if number else FONT_FAMILY))
    widget.setAlignment(align)
    paint(widget, fg, bg)
    if name:
        widget.setObjectName(name)
    return widget


LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class BoardWindow(QMainWindow):
    def __init__(self, bridge: BusBridge, hall: str, board: str, setup: BoardSetup) -> None:
        super().__init__()
        self.bridge, self.hall, self.board, self.setup = bridge, hall, board, setup
        self.width_px, self.height_px = SIZES[setup.screen]
        self.look = BoardLook(self.width_px, self.height_px)
        self.setFixedSize(self.width_px, self.height_px)
        self.setWindowTitle(f"hallkit board {board}")
        self.directory: HallState | None = None
        self.queue: QueueState | None = None
        self.windows: dict[int, WindowState] = {}
        self.newest: Call | None = None
        self.blinking, self.blink_left = False, 0
        self.services_page = 0
        self.painted: tuple[str, float] | None = None  # the newest call and when it was drawn
        bridge.connection.connect(self._on_connection)
        self.connected = bridge.is_connected
        self.connected_at = time.time() if self.connected else math.inf
        self._build()
        self.blink = QTimer(self, interval=BLINK_MS)
        self.blink.timeout.connect(self._blink_tick)
        self.tick = QTimer(self, interval=1000)
        self.tick.timeout.connect(self._second)
        self.tick.start()
        self.marquee = QTimer(self, interval=MARQUEE_MS)
        self.marquee.timeout.connect(self._scroll_notice)
        self.marquee.start()
        bridge.message.connect(self._on_message)
        for topic in (Topics(hall, "hall").state, Topics(hall, "queue").state,
                      f"hall/{hall}/window/+/state", Topics(hall, "queue").event("called"),
                      Topics(hall, "hall_board", board).setup):
            bridge.subscribe(topic)
        self._second()
        self.refresh()

    # -- the fixed frame; refresh() fills it ----------------------------------------------------
    def _build(self) -> None:
        look, m = self.look, self.look.margin
        root = QWidget()
        paint(root, TEXT, GROUND)
        outer = QVBoxLayout(root)
        outer.setContentsMargins(m, m, m, m)
        outer.setSpacing(m)
        head = QHBoxLayout()
        self.hall_name = label("", look.small * 4 // 3, bold=True, align=LEFT, name="hall-name")
        self.clock = label("", look.small * 4 // 3, bold=True, align=RIGHT, name="clock")
        head.addWidget(self.hall_name, stretch=1)
        head.addWidget(self.clock, stretch=1)
        if look.portrait:  # the clock under the hall's name: a narrow screen has no room beside it
            head.setDirection(QHBoxLayout.Direction.TopToBottom)
            self.clock.setAlignment(LEFT)
        outer.addLayout(head)

        self.newest_panel = QWidget()
        self.newest_panel.setObjectName("newest")
        paint(self.newest_panel, TEXT, PANEL)
        newest = QVBoxLayout(self.newest_panel)
        newest.setContentsMargins(m, m // 2, m, m // 2)
        newest.setSpacing(0)
        self.calling = label("", look.small, bold=True, bg=PANEL, name="calling")
        self.newest_number = label("", look.newest, fg=NUMBER, bg=PANEL, bold=True,
                                   name="newest-number", number=True)
        self.newest_window = label("", look.newest_window, bg=PANEL, bold=True, name="newest-window")
        newest.addWidget(self.calling)
        if look.portrait:
            newest.addWidget(self.newest_number)
            newest.addWidget(self.newest_window)
        else:  # side by side: the height goes to the calls being served
            side = QHBoxLayout()
            side.addWidget(self.newest_number, stretch=5)
            side.addWidget(self.newest_window, stretch=4)
            newest.addLayout(side)

        # The calls being served and the services fill areas whose height the layout decides:
        # as many rows as fit are shown, once it has (see resizeEvent).
        self.serving_area, self.serving = self._area()
        serving_box = QVBoxLayout()
        serving_box.setSpacing(m // 2)
        self.serving_title = label("", look.small, bold=True, align=LEFT, name="serving-title")
        serving_box.addWidget(self.serving_title)
        serving_box.addWidget(self.serving_area, stretch=1)

        self.services_area, self.services = self._area()
        services_box = QVBoxLayout()
        services_box.setSpacing(m // 2)
        self.services_title = label("", look.small, bold=True, align=LEFT, name="services-title")
        services_box.addWidget(self.services_title)
        services_box.addWidget(self.services_area, stretch=1)

        if look.portrait:
            outer.addWidget(self.newest_panel)
            outer.addLayout(serving_box, stretch=1)
            outer.addLayout(services_box, stretch=1)
        else:
            body = QHBoxLayout()
            body.setSpacing(2 * m)
            left = QVBoxLayout()
            left.setSpacing(m)
            left.addWidget(self.newest_panel)
            left.addLayout(serving_box, stretch=1)
            body.addLayout(left, stretch=11)
            body.addLayout(services_box, stretch=9)
            outer.addLayout(body, stretch=1)

        self.notice_strip = QWidget()  # the notice runs through it, clipped at its edges
        paint(self.notice_strip, TEXT, PANEL)
        self.notice_strip.setFixedHeight(look.small * 2)
        self.notice = label("", look.small * 5 // 4, bg=PANEL, align=LEFT, name="notice")
        self.notice.setParent(self.notice_strip)
        outer.addWidget(self.notice_strip)
        self.setCentralWidget(root)

        self.banner = label("", look.small * 3 // 2, fg=ALERT, bg=ALERT_GROUND, bold=True,
                            name="banner")
        self.banner.setParent(root)
        self.banner.setGeometry(0, 0, self.width_px, look.small * 3)
        self.banner.hide()

    def _area(self) -> tuple[QWidget, QGridLayout]:
        area = QWidget()
        paint(area, TEXT, GROUND)
        grid = QGridLayout(area)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(self.look.margin // 2)
        grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        return area, grid

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fill_serving()
        self._fill_services()

    def _rows(self, area: QWidget, names: bool = False) -> int:
        """Rows of the lists' numbers that fit in ``area`` as laid out now (``names``: beside
        a Chinese name with its English under it, in the small size)."""
        row = max(QFontMetrics(font(self.look.number, True, NUMBER_FAMILY)).lineSpacing(),
                  QFontMetrics(font(self.look.text, True)).lineSpacing())
        if names and self.setup.english:
            row = max(row, 2 * QFontMetrics(font(self.look.small, True)).lineSpacing())
        row += self.look.margin // 2
        return max(1, (area.height() + self.look.margin // 2) // row)

    # -- what is shown -------------------------------------------------------------------------
    def _words(self, zh: str, en: str) -> str:
        return f"{zh}  {en}" if self.setup.english else zh

    def _window_label(self, number: int) -> str:
        for w in self.directory.windows if self.directory else []:
            if w.number == number:
                return w.label_zh
        return f"{number}号窗口"

    def _service_name(self, code: str) -> tuple[str, str]:
        for s in self.directory.services if self.directory else []:
            if s.code == code:
                return s.name_zh, s.name_en
        return code, code

    def refresh(self) -> None:
        d = self.directory
        self.hall_name.setText(d.name_zh if d else "")
        self.calling.setText(self._words("正在呼叫", "Now calling"))
        self.serving_title.setText(self._words("正在办理", "Being served"))
        self.services_title.setText(self._words("等候人数", "Waiting"))
        self._show_newest()
        self._fill_serving()
        self._fill_services()
        self._show_notice()
        self._show_banner()

    def _show_newest(self) -> None:
        call = self.newest
        self.newest_number.setText(call.number if call else "—")
        where = "\n" if not self.look.portrait else " "  # beside the number: two lines
        self.newest_window.setText(f"请到{where}{self._window_label(call.window)}" if call else "")
        on = self.blinking and self.blink_left % 2 == 0
        ground, digits = (BLINK_GROUND, GROUND) if on else (PANEL, NUMBER)
        paint(self.newest_panel, TEXT, ground)
        for w, fg in ((self.calling, GROUND if on else TEXT), (self.newest_number, digits),
                      (self.newest_window, GROUND if on else TEXT)):
            paint(w, fg, ground)

    def _serving_calls(self) -> list[Call]:
        calls = [Call(s.ticket.number, s.window, s.ticket.called_at) for s in self.windows.values()
                 if s.ticket is not None]
        calls.sort(key=lambda c: c.called_at, reverse=True)
        if self.newest is not None:  # shown large already
            newest = (self.newest.number, self.newest.window)
            calls = [c for c in calls if (c.number, c.window) != newest]
        return calls

    def _clear(self, grid: QGridLayout) -> None:
        while grid.count():
            widget = grid.takeAt(0).widget()
            if widget is not None:  # gone from the screen now, from memory soon
                widget.hide()
                widget.deleteLater()

    def serving_room(self) -> tuple[int, int]:
        """(rows, columns) of calls that fit under the newest one."""
        return self._rows(self.serving_area), 1 if self.look.portrait else 2

    def _fill_serving(self) -> None:
        self._clear(self.serving)
        rows, columns = self.serving_room()
        for i, call in enumerate(self._serving_calls()[:rows * columns]):
            number = label(call.number, self.look.number, fg=NUMBER, bold=True, align=LEFT,
                           name="serving-number", number=True)
            where = label(self._window_label(call.window), self.look.text, bold=True, align=LEFT,
                          name="serving-window")
            box = QWidget()
            paint(box, TEXT, GROUND)
            row = QHBoxLayout(box)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(number, stretch=2)
            row.addWidget(where, stretch=3)
            self.serving.addWidget(box, i % rows, i // rows)

    def services_room(self) -> int:
        return self._rows(self.services_area, names=True)

    def _fill_services(self) -> None:
        self._clear(self.services)
        figures = {s.code: s for s in self.queue.services} if self.queue else {}
        services = self.directory.services if self.directory else []
        room = self.services_room()
        pages = max(1, math.ceil(len(services) / room))
        page = self.services_page % pages
        for i, svc in enumerate(services[page * room:(page + 1) * room]):
            f = figures.get(svc.code)
            name = label(svc.name_zh, self.look.text, bold=True, align=LEFT, name="service-name")
            if self.setup.english:  # the English name smaller, under the Chinese
                name = label(f"{svc.name_zh}\n{svc.name_en}", self.look.small, bold=True, align=LEFT,
                             name="service-name")
            waiting = label(str(f.waiting) if f else "0", self.look.number, fg=NUMBER, bold=True,
                            align=RIGHT, name="waiting", number=True)
            wait = "" if f is None or f.est_wait_s is None else (
                "无需等候" if f.est_wait_s < 60 else f"约{round(f.est_wait_s / 60)}分")
            est = label(wait, self.look.text, bold=True, align=RIGHT, name="est-wait")
            self.services.addWidget(name, i, 0)
            self.services.addWidget(waiting, i, 1)
            self.services.addWidget(est, i, 2)
        self.services.setColumnStretch(0, 5)
        self.services.setColumnStretch(1, 2)
        self.services.setColumnStretch(2, 4)

    def _show_notice(self) -> None:
        d = self.directory
        notices = [n for n in d.notices] if d else []
        text = "　　　".join(n.text_zh + (f"  {n.text_en}" if self.setup.english and n.text_en else "")
                           for n in notices)
        if text != self.notice.text():  # a new notice starts at the left edge, then runs
            self.notice.setText(text)
            self.notice.adjustSize()
            self.notice.move(self.look.margin, (self.notice_strip.height() - self.notice.height()) // 2)
        self.notice_strip.setVisible(bool(text))

    def _scroll_notice(self) -> None:
        if not self.notice.text():
            return
        x = self.notice.x() - MARQUEE_STEP
        if x + self.notice.width() < 0:
            x = self.notice_strip.width()
        self.notice.move(x, self.notice.y())

    def _show_banner(self) -> None:
        self.banner.setText(self._words("连接中断，正在重新连接…", "Connection lost, reconnecting"))
        self.banner.setVisible(not self.connected)
        self.banner.raise_()

    def _second(self) -> None:
        now = QDateTime.currentDateTime()
        weekday = WEEKDAYS_ZH[now.date().dayOfWeek() - 1]
        text = f"{now.toString('yyyy年M月d日')} 星期{weekday} {now.toString('HH:mm')}"
        if self.setup.english:
            text += " " + QLocale(QLocale.Language.English).toString(now, "ddd")
        self.clock.setText(text)
        if now.time().second() % SERVICES_PAGE_S == 0 and self.directory and \
                len(self.directory.services) > self.services_room():
            self.services_page += 1
            self._fill_services()

    # -- the bus -------------------------------------------------------------------------------
    def _on_message(self, topic: str, payload: bytes) -> None:
        """A malformed message changes nothing and never ends the app."""
        try:
            if topic.endswith("/hall/main/state"):
                self.directory = HallState.model_validate_json(payload)
                self.refresh()
            elif topic.endswith("/queue/main/state"):
                self.queue = QueueState.model_validate_json(payload)
                self._fill_services()
            elif "/window/" in topic and topic.endswith("/state"):
                state = WindowState.model_validate_json(payload)
                self.windows[state.window] = state
                self._newest_from_states()  # what retained state says: never blinks
                self._fill_serving()
            elif topic.endswith("/event/called"):
                self._called(EventOf[CalledEvent].model_validate_json(payload))
            elif topic.endswith(f"/hall_board/{self.board}/setup"):
                self.setup = BoardSetup.model_validate_json(payload)
                self.refresh()
        except ValueError:
            log.warning("ignored a malformed message on %s", topic)
        except Exception:
            log.exception("a message on %s could not be shown", topic)

    def _newest_from_states(self) -> None:
        calls = [Call(s.ticket.number, s.window, s.ticket.called_at) for s in self.windows.values()
                 if s.ticket is not None]
        latest = max(calls, key=lambda c: c.called_at, default=None)
        if latest is not None and (self.newest is None or latest.called_at > self.newest.called_at):
            self.newest = latest
            self._show_newest()

    def _called(self, event) -> None:
        call = event.data
        # Held by the broker while the board was off the bus, or simply old: not news.
        if event.ts < self.connected_at - 1.0 or time.time() - event.ts > NEW_CALL_S:
            return
        self.newest = Call(call.number, call.window, event.ts)
        self.blinking, self.blink_left = self.setup.blink_s > 0, self.setup.blink_s * 1000 // BLINK_MS
        if self.blinking:
            self.blink.start()
        self._show_newest()
        self._fill_serving()
        self.newest_panel.repaint()  # drawn now, not at the next turn of the event loop
        self.painted = (call.number, time.time())

    def _blink_tick(self) -> None:
        self.blink_left -= 1
        if self.blink_left <= 0:
            self.blinking = False
            self.blink.stop()
        self._show_newest()

    def _on_connection(self, up: bool) -> None:
        self.connected = up
        if up:
            self.connected_at = time.time()
            self.windows.clear()  # rebuilt from the retained state that follows
        self._show_banner()
