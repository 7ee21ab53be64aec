"""Clerk console window: current ticket and time with the citizen, the next tickets,
waiting count, and every keypad function as a button with an F-key."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtGui import QFont, QKeySequence, QShortcut
from PyQt6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hallkit.contract.topics import Topics
from hallkit.kiosk_ui.bus_bridge import BusBridge

STATE_TEXT = {"closed": "未登录 Not logged in", "idle": "空闲 Idle", "serving": "办理中 Serving",
              "paused": "暂停服务 Paused"}
BUTTONS = [  # (action, Chinese, English, key)
    ("call-next", "呼叫下一位", "Call next", "F1"), ("recall", "重呼", "Recall", "F2"),
    ("no-show", "过号", "No-show", "F3"), ("end", "办结", "End service", "F4"),
    ("hold", "挂起", "Hold", "F5"), ("transfer", "转移", "Transfer", "F6"),
    ("pause", "暂停/恢复", "Pause/resume", "F7"),
]
DONE_TEXT = {"call-next": "已呼叫", "call-number": "已呼叫", "recall": "已重呼", "no-show": "已过号",
             "end": "已办结", "hold": "已挂起", "transfer": "已转移", "pause": "已切换",
             "login": "已登录", "logout": "已退出"}


@dataclass(frozen=True)
class ConsoleSetup:
    hall: str
    number: int
    label_zh: str
    label_en: str
    services: dict[str, str]       # code -> name (zh), the hall's, for transfers
    windows: list[tuple[int, str]]  # every window, for transfers
    serves: tuple[str, ...] = ()   # the services this window calls


class ConsoleWindow(QMainWindow):
    def __init__(self, bridge: BusBridge, info: ConsoleSetup) -> None:
        super().__init__()
        self.bridge, self.info = bridge, info
        self.state: dict = {}
        self._queue_view: tuple | None = None  # the queue state's part that this window sees
        self.queue = Topics(info.hall, "queue")
        self.setWindowTitle(f"hallkit 窗口终端 · {info.label_zh} / {info.label_en}")
        self.resize(900, 560)
        self._build()
        bridge.message.connect(self._on_message)
        bridge.replied.connect(self._on_reply)
        bridge.connection.connect(self._on_connection)
        bridge.subscribe(Topics(info.hall, "window", str(info.number)).state)
        bridge.subscribe(self.queue.state)
        self._tick = QTimer(self)
        self._tick.timeout.connect(self._show_elapsed)
        self._tick.start(1000)

    # -- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        big, mid = QFont(), QFont()
        big.setPointSize(64)
        big.setBold(True)
        mid.setPointSize(16)
        root = QWidget()
        layout = QHBoxLayout(root)
        left = QVBoxLayout()
        self.title = QLabel(f"{self.info.label_zh}  ·  {self.info.label_en}")
        self.title.setFont(mid)
        self.state_label = QLabel(STATE_TEXT["closed"])
        self.ticket = QLabel("—")
        self.ticket.setFont(big)
        self.ticket.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.ticket.setObjectName("ticket")
        self.service = QLabel("")
        self.service.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.elapsed = QLabel("")
        self.elapsed.setAlignment(Qt.AlignmentFlag.AlignCenter)
        login_row = QHBoxLayout()
        self.clerk = QLineEdit()
        self.clerk.setPlaceholderText("工号 Clerk no.")
        self.pin = QLineEdit()
        self.pin.setPlaceholderText("密码 PIN")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(6)
        self.pin.returnPressed.connect(self._login)
        self.login_button = QPushButton("登录 Log in (F8)")
        self.login_button.clicked.connect(self._login)
        login_row.addWidget(self.clerk)
        login_row.addWidget(self.pin)
        login_row.addWidget(self.login_button)
        grid = QGridLayout()
        self.buttons: dict[str, QPushButton] = {}
        for i, (action, zh, en, key) in enumerate(BUTTONS):
            button = QPushButton(f"{zh}\n{en} ({key})")
            button.setMinimumHeight(56)
            button.clicked.connect(lambda _=False, a=action: self._act(a))
            QShortcut(QKeySequence(key), self).activated.connect(lambda a=action: self._act(a))
            grid.addWidget(button, i // 4, i % 4)
            self.buttons[action] = button
        QShortcut(QKeySequence("F8"), self).activated.connect(self._login)
        self.transfer_to = QComboBox()
        for code, name in self.info.services.items():
            self.transfer_to.addItem(f"业务 {name}", ("to_service", code))
        for number, label in self.info.windows:
            if number != self.info.number:
                self.transfer_to.addItem(f"窗口 {label}", ("to_window", number))
        grid.addWidget(self.transfer_to, 1, 3)
        for widget in (self.title, self.state_label, self.ticket, self.service, self.elapsed):
            left.addWidget(widget)
        left.addLayout(grid)
        left.addLayout(login_row)
        right = QVBoxLayout()
        self.waiting = QLabel("等候 Waiting: 0")
        self.waiting.setFont(mid)
        self.next_list = QListWidget()
        right.addWidget(self.waiting)
        right.addWidget(QLabel("接下来 Next"))
        right.addWidget(self.next_list)
        layout.addLayout(left, 3)
        layout.addLayout(right, 1)
        self.setCentralWidget(root)
        self.statusBar().showMessage("连接中… Connecting…")

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.bridge.is_connected:  # it may have connected before this window listened
            self._on_connection(True)

    def _on_connection(self, up: bool) -> None:
        self._status("已连接 Connected" if up else "总线不可用，重连中… Bus unavailable, reconnecting…",
                     error=not up)

    # -- actions ----------------------------------------------------------------------------
    def _act(self, action: str) -> None:
        data: dict = {"window": self.info.number}
        if action == "transfer":
            key, value = self.transfer_to.currentData()
            data[key] = value
        self.bridge.request(self.queue.cmd(action), data)

    def _login(self) -> None:
        if self.state.get("state", "closed") != "closed":
            self.bridge.request(self.queue.cmd("logout"), {"window": self.info.number})
        elif self.clerk.text().strip():
            data = {"window": self.info.number, "clerk": self.clerk.text().strip()}
            if self.pin.text():
                data["pin"] = self.pin.text()
            self.pin.clear()  # never left on screen for the next person at the desk
            self.bridge.request(self.queue.cmd("login"), data)
        else:
            self._status("请输入工号 / type your clerk number", error=True)

    # -- bus ------------------------------------------------------------------------------
    def _on_message(self, topic: str, payload: bytes) -> None:
        try:
            body = json.loads(payload)
        except ValueError:
            return
        if topic == self.queue.state:
            n = body.get("waiting_by_window", {}).get(str(self.info.number), 0)
            self.waiting.setText(f"等候 Waiting: {n}")
            # Ask for the next-list only when what this window could call changed: a ticket
            # taken or called for another window's services changes nothing here.
            view = (n, tuple(sorted((s.get("code"), s.get("waiting"), s.get("issued"))
                                    for s in body.get("services", [])
                                    if s.get("code") in self.info.serves)))
            if view != self._queue_view:
                self._queue_view = view
                self._refresh_next()
        else:
            self.state = body
            self._show_state()
            self._refresh_next()

    def _on_reply(self, tag: str, action: str, reply) -> None:
        if isinstance(reply, str):
            self._status(f"总线不可用 / bus unavailable: {reply}", error=True)
        elif action == "window-next" and reply.status == "ok":
            self.next_list.clear()
            for t in reply.data["tickets"]:
                name = self.info.services.get(t["service"], t["service"])
                mark = "  ★优先" if t["priority"] else ""
                self.next_list.addItem(f"{t['number']}  {name}  等{round(t['waited_s'] / 60)}分{mark}")
        elif reply.status == "ok":
            number = (reply.data or {}).get("number", "")
            self._status(f"{DONE_TEXT.get(action, '完成')} {number}".strip())
        else:
            self._status(reply.error.message, error=True)

    def _refresh_next(self) -> None:
        self.bridge.request(self.queue.cmd("window-next"), {"window": self.info.number, "limit": 8})

    # -- display ---------------------------------------------------------------------------
    def _show_state(self) -> None:
        mode = self.state.get("state", "closed")
        clerk = self.state.get("clerk_name") or self.state.get("clerk") or ""
        self.state_label.setText(f"{STATE_TEXT.get(mode, mode)}" + (f"   工号 {clerk}" if clerk else ""))
        ticket = self.state.get("ticket")
        self.ticket.setText(ticket["number"] if ticket else "—")
        self.service.setText(self.info.services.get(ticket["service"], ticket["service"])
                             if ticket else "")
        held = self.state.get("held") or []
        self.service.setText(self.service.text() + (f"   挂起 Held: {' '.join(held)}" if held else ""))
        self.login_button.setText("退出 Log out (F8)" if mode != "closed" else "登录 Log in (F8)")
        self.clerk.setEnabled(mode == "closed")
        self.pin.setVisible(mode == "closed")
        for button in self.buttons.values():
            button.setEnabled(mode != "closed")
        self._show_elapsed()

    def _show_elapsed(self) -> None:
        ticket = self.state.get("ticket")
        if not ticket:
            self.elapsed.setText("")
            return
        seconds = max(0, int(time.time() - ticket["called_at"]))
        self.elapsed.setText(f"办理时长 With citizen  {seconds // 60:02d}:{seconds % 60:02d}")

    def _status(self, text: str, error: bool = False) -> None:
        self.statusBar().setStyleSheet("color: #b00020" if error else "")
        self.statusBar().showMessage(text, 8000)
