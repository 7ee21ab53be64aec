"""The kiosk's maintenance: a finger held on a corner, the PIN (checked by the hall daemon),
then the devices' state, a test page, what was last read, and the way out."""

from __future__ import annotations

from PyQt6.QtCore import QEvent, QObject, QTimer
from PyQt6.QtWidgets import QApplication, QWidget

from hallkit.kiosk_ui.kiosk import pages
from hallkit.kiosk_ui.kiosk.texts import t
from hallkit.kiosk_ui.kiosk.widgets import DIGIT_KEYS

HOLD_S = 5.0  # the hidden gesture: a finger on the top-left corner this long


class MaintenanceScreens:
    """Part of KioskWindow: the PIN and maintenance screens (it provides screen, typed,
    problem, pending, setup, devices, last_read, lang, theme, _put, _send, go_home)."""

    def show_pin(self) -> None:
        if self.screen in ("pin", "maintenance") or self.pending is not None:
            return
        self.screen, self.typed = "pin", ""
        self.problem = "" if self.setup.has_maintenance_pin else t("no_pin", self.lang)
        self._show_pin()

    def _show_pin(self) -> None:
        self.screen = "pin"
        self._put(pages.entry_page(self.theme, self.lang, "pin", t("pin", self.lang), self.typed,
                                   self.problem, keys=DIGIT_KEYS, max_len=6, masked=True,
                                   on_typed=self._pin_typed, on_ok=self._pin_ok, on_back=self.go_home))

    def _pin_typed(self, text: str) -> None:
        self.typed, self.problem = text, ""
        shown = self.stack.currentWidget().findChild(QWidget, "typed")
        if shown is not None:
            shown.setText("●" * len(text) or "—")

    def _pin_ok(self) -> None:
        if len(self.typed) < 4:
            return
        pin, self.typed = self.typed, ""
        self._send("maintenance-login", {"pin": pin}, daemon="hall")

    def _pin_answer(self, reply) -> None:
        answer = None if isinstance(reply, str) or reply.status != "ok" else reply.data
        if answer is not None and answer["outcome"] == "ok":
            self.show_maintenance()
            return
        if answer is None:
            self.problem = t("offline", self.lang)
        elif answer["outcome"] == "wrong":
            self.problem = t("pin_wrong", self.lang, n=answer["tries_left"])
        elif answer["outcome"] == "locked":
            self.problem = t("pin_locked", self.lang, m=max(1, round(answer["locked_s"] / 60)))
        else:
            self.problem = t("no_pin", self.lang)
        self._show_pin()

    def show_maintenance(self) -> None:
        self.screen = "maintenance"
        devices = [(kind, self.devices.get(getattr(self.setup, kind), "unknown") if
                    getattr(self.setup, kind) else "none") for kind in ("printer", "id_reader",
                                                                         "scanner")]
        note = t("last_read", self.lang, what=self.last_read) if self.last_read else ""
        self._put(pages.maintenance_page(
            self.theme, self.lang, [(kind, f"dev_{state}") for kind, state in devices], note,
            on_test_print=self._test_print, on_exit=QApplication.instance().quit,
            on_back=self.go_home))

    def _test_print(self) -> None:
        self._send("test", {"kiosk": self.kiosk}, daemon="printer")

    def _test_answer(self, reply) -> None:
        ok = not isinstance(reply, str) and reply.status == "ok"
        self.last_read = t("test_sent" if ok else "test_failed", self.lang)
        self.show_maintenance()


class TouchWatcher(QObject):
    """Every touch resets the idle clock; a finger held HOLD_S on the top-left corner (where
    nothing is to be tapped) asks for the maintenance PIN."""

    def __init__(self, touched, corner_held, parent: QWidget) -> None:
        super().__init__(parent)
        self.touched, self.window = touched, parent
        self.hold = QTimer(self, singleShot=True)
        self.hold.timeout.connect(corner_held)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
            self.touched()
            corner = self.window.width() // 12
            where = event.points()[0] if kind == QEvent.Type.TouchBegin else event
            at = self.window.mapFromGlobal(where.globalPosition().toPoint())
            if 0 <= at.x() < corner and 0 <= at.y() < corner:
                self.hold.start(int(HOLD_S * 1000))
        elif kind in (QEvent.Type.MouseButtonRelease, QEvent.Type.TouchEnd):
            self.hold.stop()
        return False

