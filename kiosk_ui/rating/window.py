"""The rating screen's window. While a clerk serves: the clerk's name and number, the
window and the ticket being served. When the service ends (the rating daemon opens the
window's rating): the five levels as large labelled faces; a bad rating (1–2) then asks
for its reasons from the hall's list; then thanks, and back. Everything comes from the bus:
the retained rating and window states, and the rating's `closed` event."""

from __future__ import annotations

import json
import logging
import time

from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from hallkit.contract.topics import Topics
from hallkit.daemons.queue.contract import WindowState
from hallkit.daemons.rating.contract import LEVELS, Ask, RatingSetup, RatingState
from hallkit.kiosk_ui.bus_bridge import BusBridge
from hallkit.kiosk_ui.kiosk.theme import CALM, INK, PRIMARY, WHITE, Theme, paint
from hallkit.kiosk_ui.kiosk.widgets import button, label, replace_page
from hallkit.kiosk_ui.rating.faces import face

log = logging.getLogger(__name__)

SIZE = (1280, 800)     # a 10" tablet or a small monitor, landscape
TABLET_WIDTH_MM = 217
THANKS_MS = 5000
ANSWERED_KEPT = 50


class Look:
    """Sizes from the screen's height (the same layout on a 1280×800 tablet and a 1920×1080 monitor)."""

    def __init__(self, height: int) -> None:
        self.px = lambda n: round(n * height / 800)


class RatingWindow(QMainWindow):
    def __init__(self, bridge: BusBridge, hall: str, device: str, setup: RatingSetup,
                 size: tuple[int, int] = SIZE) -> None:
        super().__init__()
        self.bridge, self.hall, self.device, self.setup = bridge, hall, device, setup
        self.setFixedSize(*size)
        self.look = Look(size[1])
        self.theme = Theme(size[0], size[1], TABLET_WIDTH_MM, False)
        self.setWindowTitle(f"hallkit rating {device}")
        self.ask: Ask | None = None       # the rating on screen
        self.latest: Ask | None = None    # the window's open rating, as the rating daemon last said
        self.answered: dict[str, None] = {}  # ratings sent here or seen closed, newest last (a few kept)
        self.window_state: WindowState | None = None
        self.chosen: set[str] = set()
        self.level: int | None = None
        self.pending: tuple[str, str] | None = None  # (request tag, the ask it rates)
        self.screen = "idle"
        self.stack = QStackedLayout()
        root = QWidget()
        root.setLayout(self.stack)
        paint(root, INK, WHITE)
        self.setCentralWidget(root)
        self.thanks = QTimer(self, singleShot=True)
        self.thanks.timeout.connect(self._next)
        self.expiry = QTimer(self, singleShot=True)  # the faces go when the rating closes, bus or not
        self.expiry.timeout.connect(self._expired)
        bridge.message.connect(self._on_message)
        bridge.replied.connect(self._on_reply)
        for topic in (Topics(hall, "rating").state, Topics(hall, "rating").event("closed"),
                      Topics(hall, "window", str(setup.window)).state):
            bridge.subscribe(topic)
        self.show_idle()

    # -- what the bus says -----------------------------------------------------------------------
    def _on_message(self, topic: str, payload: bytes) -> None:
        try:
            if topic == Topics(self.hall, "rating").state:
                state = RatingState.model_validate_json(payload)
                mine = next((a for a in state.asks if a.window == self.setup.window), None)
                self._asked(mine)
            elif topic.endswith("/event/closed"):
                data = json.loads(payload)["data"]
                if data["outcome"] != "replaced":  # a replaced rating may still be finished here
                    self._done_with(data["ask_id"])
                    if self.ask is not None and data["ask_id"] == self.ask.ask_id and self.pending is None \
                            and self.screen in ("faces", "reasons"):
                        self._next()  # not in time, or rated on another device: the faces go
            else:
                self.window_state = WindowState.model_validate_json(payload)
                if self.screen == "idle":
                    self.show_idle()
        except (ValueError, KeyError, TypeError):
            log.warning("ignored a malformed message on %s", topic)

    def _asked(self, ask: Ask | None) -> None:
        self.latest = ask
        busy = self.pending is not None or self.screen in ("reasons", "thanks")
        if not busy:  # a citizen choosing reasons, or being thanked, is not interrupted
            self._next()

    def _done_with(self, ask_id: str) -> None:
        self.answered[ask_id] = None
        while len(self.answered) > ANSWERED_KEPT:  # months on a tablet: only the recent ones matter
            del self.answered[next(iter(self.answered))]

    def _rateable(self, ask: Ask | None) -> bool:
        return ask is not None and ask.ask_id not in self.answered and time.time() < ask.expires_at

    def _next(self) -> None:
        """The window's open rating if it still waits for one, else the clerk's page."""
        if self._rateable(self.latest):
            if self.ask is None or self.ask.ask_id != self.latest.ask_id or self.screen != "faces":
                self.ask, self.level, self.chosen = self.latest, None, set()
                self.show_faces()
        elif self.screen != "idle":
            self.ask = None
            self.show_idle()

    def _expired(self) -> None:
        if self.pending is None and self.screen in ("faces", "reasons"):
            self.ask = None
            self.show_idle()

    # -- pages -----------------------------------------------------------------------------------
    def _put(self, page: QWidget, name: str) -> None:
        page.setObjectName(name)
        self.screen = name
        replace_page(self.stack, page)

    def _page(self) -> tuple[QWidget, QVBoxLayout]:
        page = QWidget()
        paint(page, INK, WHITE)
        box = QVBoxLayout(page)
        m = self.look.px(32)
        box.setContentsMargins(m, m, m, m)
        box.setSpacing(self.look.px(20))
        head = self._text(f"{self.setup.hall_name_zh}  ·  {self.setup.window_label_zh}", self.look.px(30),
                          bold=True, fg=WHITE, bg=PRIMARY)
        head.setMinimumHeight(self.look.px(70))
        box.addWidget(head)
        return page, box

    def show_idle(self) -> None:
        page, box = self._page()
        px = self.look.px
        state = self.window_state
        box.addStretch(1)
        if state is not None and state.clerk:
            name = state.clerk_name or state.clerk
            initial = self._text(name[0], px(110), bold=True, fg=WHITE, bg=PRIMARY)
            initial.setFixedSize(px(200), px(200))
            initial.setObjectName("clerk-initial")
            row = QHBoxLayout()
            row.addStretch(1)
            row.addWidget(initial)
            row.addStretch(1)
            box.addLayout(row)
            box.addWidget(self._text(name, px(56), bold=True, name="clerk-name"))
            box.addWidget(self._text(f"工号 {state.clerk}  ·  Staff No. {state.clerk}", px(30),
                                     name="clerk-number"))
            serving = state.ticket.number if state.ticket else None
            box.addWidget(self._text(f"正在为 {serving} 号办理" if serving else "欢迎您", px(36),
                                     name="serving"))
        else:
            box.addWidget(self._text("本窗口暂停服务", px(56), bold=True, name="serving"))
            box.addWidget(self._text("This window is closed", px(30)))
        box.addStretch(1)
        box.addWidget(self._text("服务结束后，请对本次服务进行评价  Please rate our service when done",
                                 px(26), fg=INK, bg=CALM))
        self._put(page, "idle")

    def show_faces(self) -> None:
        ask, px = self.ask, self.look.px
        self.thanks.stop()
        self.expiry.start(max(0, int((ask.expires_at - time.time()) * 1000)))
        page, box = self._page()
        box.addWidget(self._text("请您对本次服务进行评价", px(52), bold=True, name="rate-title"))
        box.addWidget(self._text(f"Please rate the service  ·  {ask.number}  {ask.service_name_zh}", px(28)))
        row = QHBoxLayout()
        row.setSpacing(px(16))
        for level in (5, 4, 3, 2, 1):
            b = self._level_button(level)
            b.clicked.connect(lambda _=False, lv=level: self.choose(lv))
            row.addWidget(b)
        box.addStretch(1)
        box.addLayout(row)
        box.addStretch(1)
        self._put(page, "faces")

    def _level_button(self, level: int) -> QPushButton:
        """The face above its Chinese name, the English under it: one big target."""
        px = self.look.px
        zh, en = LEVELS[level]
        b = QPushButton()
        b.setObjectName(f"level-{level}")
        b.setMinimumSize(px(220), px(330))
        b.setStyleSheet(f"QPushButton {{ background: {CALM}; border-radius: {px(16)}px; }} "
                        f"QPushButton:pressed {{ background: #C9D6EC; }}")
        box = QVBoxLayout(b)
        box.setContentsMargins(px(8), px(16), px(8), px(16))
        picture = QLabel()
        picture.setPixmap(face(level, px(160)))
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        for widget in (picture, self._text(zh, px(34), bold=True, name="level-zh"),
                       self._text(en, px(22), name="level-en")):
            widget.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)  # the button takes the tap
            widget.setAutoFillBackground(False)
            box.addWidget(widget)
        return b

    def choose(self, level: int) -> None:
        if self.pending is not None or self.ask is None:
            return
        self.level = level
        if level <= 2:
            self.show_reasons()
        else:
            self._send()

    def show_reasons(self) -> None:
        px = self.look.px
        page, box = self._page()
        box.addWidget(self._text("请选择不满意的原因（可多选）", px(46), bold=True, name="reasons-title"))
        box.addWidget(self._text("What went wrong? (choose one or more)", px(26)))
        grid = QGridLayout()
        grid.setSpacing(px(14))
        for i, reason in enumerate(self.ask.reasons):
            b = button_for(self.theme, reason, px, checked=reason in self.chosen)
            b.setObjectName(f"reason-{i}")
            b.toggled.connect(lambda on, r=reason: self._toggle(r, on))
            grid.addWidget(b, i // 3, i % 3)
        box.addLayout(grid)
        box.addStretch(1)
        row = QHBoxLayout()
        back = button(self.theme, "返回  Back", self.show_faces, min_height=px(90), fg=INK, bg=CALM)
        send = button(self.theme, "提交  Send", self._send, min_height=px(90), fg=WHITE, bg=PRIMARY)
        send.setObjectName("send")
        send.setEnabled(bool(self.chosen))
        self.send_button = send
        row.addWidget(back)
        row.addWidget(send)
        box.addLayout(row)
        self._put(page, "reasons")

    def _text(self, text: str, px: int, name: str = "", **kw):
        widget = label(self.theme, text, px, **kw)
        widget.setObjectName(name)
        return widget

    def _toggle(self, reason: str, on: bool) -> None:
        (self.chosen.add if on else self.chosen.discard)(reason)
        self.send_button.setEnabled(bool(self.chosen))

    def _send(self) -> None:
        if self.pending is not None or self.ask is None or self.level is None:
            return
        data = {"window": self.setup.window, "ask_id": self.ask.ask_id, "level": self.level}
        if self.level <= 2:
            data["reasons"] = sorted(self.chosen, key=self.ask.reasons.index)
        self.pending = (self.bridge.request(Topics(self.hall, "rating").cmd("rate"), data), self.ask.ask_id)

    def _on_reply(self, tag: str, action: str, reply) -> None:
        if self.pending is None or tag != self.pending[0]:
            return
        ask_id, self.pending = self.pending[1], None  # the rating this answer is about, whatever shows now
        if isinstance(reply, str):  # no answer: not rated; the faces come back while it is open
            self.show_thanks("网络繁忙，评价未能提交", "Not sent: the network is busy")
            return
        self._done_with(ask_id)
        if reply.status == "ok":
            self.show_thanks("感谢您的评价！", "Thank you!")
        elif reply.error.code == "already_rated":
            self.show_thanks("本次服务已评价，谢谢！", "This service has been rated. Thank you!")
        else:
            self.show_thanks("评价已结束", "Rating closed")

    def show_thanks(self, zh: str, en: str) -> None:
        px = self.look.px
        page, box = self._page()
        box.addStretch(1)
        box.addWidget(self._text(zh, px(64), bold=True, name="thanks"))
        box.addWidget(self._text(en, px(32)))
        box.addStretch(1)
        self._put(page, "thanks")
        self.thanks.start(THANKS_MS)


def button_for(theme: Theme, reason: str, px, checked: bool) -> QPushButton:
    b = QPushButton(reason)
    b.setCheckable(True)
    b.setChecked(checked)
    b.setMinimumHeight(px(100))
    b.setFont(theme.font(px(32)))
    b.setStyleSheet(f"QPushButton {{ background: {CALM}; color: {INK}; border-radius: {px(12)}px; }} "
                    f"QPushButton:checked {{ background: {PRIMARY}; color: {WHITE}; }}")
    return b

