"""The kiosk's window: which screen shows, what the citizen has chosen, and the bus.

Everything comes from retained topics and addressed events: the hall directory, the
queue's figures, this kiosk's setup, what its reader and scanner read, and the printer's
word on its tickets. A request shows progress after 300 ms; the bus bridge gives up
after 5 s (the request expires with it, so it is never acted on later). After the idle
time the kiosk returns to the start screen and forgets everything typed or read.
"""

from __future__ import annotations

import json
import logging
import time

from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import QApplication, QMainWindow, QStackedLayout, QVBoxLayout, QWidget

from hallkit.contract.envelope import Availability, EventOf
from hallkit.contract.topics import Topics
from hallkit.daemons.guide.contract import GuideState
from hallkit.daemons.hall.contract import HallState, KioskSetup
from hallkit.daemons.kiosk_devices.contract import CardRead, CardRefused, Scanned
from hallkit.daemons.locker.contract import CloseDoor, DoneEvent, DoorEvent, LockerState
from hallkit.daemons.queue.contract import QueueState
from hallkit.idnumbers import valid_id_number
from hallkit.kiosk_ui.bus_bridge import BusBridge
from hallkit.kiosk_ui.kiosk import pages
from hallkit.kiosk_ui.kiosk.cases import CaseScreens
from hallkit.kiosk_ui.kiosk.codes import CODE, appointment_code, mask_code
from hallkit.kiosk_ui.kiosk.guide import GuideScreens
from hallkit.kiosk_ui.kiosk.locker import LOCKER_ACTIONS, LockerScreens
from hallkit.kiosk_ui.kiosk.maintenance import MaintenanceScreens, TouchWatcher
from hallkit.kiosk_ui.kiosk.refusals import refusal
from hallkit.kiosk_ui.kiosk.texts import t
from hallkit.kiosk_ui.kiosk.theme import Theme
from hallkit.kiosk_ui.kiosk.widgets import replace_page
from hallkit.privacy import mask_id

log = logging.getLogger(__name__)

PROGRESS_AFTER_MS = 300
SLOW_AFTER_MS = 2500
COUNTDOWN_S = 10
SIZES = {"portrait": (1080, 1920), "landscape": (1920, 1080)}
ACCEPT_WAIT_S = 5  # the printer daemon takes a ticket on within this, or it is not running
PRINT_SLACK_S = 2.0  # past the printer daemon's expect_by
TICKET_SHOWN_S = 20  # a printed ticket's screen: long enough to read, not to photograph later
STALE_S = 5.0  # a card event older than this is someone else's
CLOCK_SLACK_S = 1.0  # the hall box's clock and the kiosk's (NTP) may differ this much
DEVICE_EVENTS = {"card": CardRead, "card-refused": CardRefused, "scan": Scanned}
LOCKER_EVENTS = {"door": DoorEvent, "done": DoneEvent, "close-door": CloseDoor}


class KioskWindow(MaintenanceScreens, CaseScreens, GuideScreens, LockerScreens, QMainWindow):
    def __init__(self, bridge: BusBridge, hall: str, kiosk: str, setup: KioskSetup) -> None:
        super().__init__()
        self.bridge, self.hall, self.kiosk, self.setup = bridge, hall, kiosk, setup
        self.width_px, self.height_px = SIZES[setup.screen]
        self.setFixedSize(self.width_px, self.height_px)
        self.setWindowTitle(f"hallkit kiosk {kiosk}")
        self.directory: HallState | None = None
        self.queue: QueueState | None = None
        self.guide_state: GuideState | None = None
        self.locker_state: LockerState | None = None
        bridge.connection.connect(self._on_connection)  # before reading the state: no gap
        self.connected = bridge.is_connected
        self._reset_choices()
        root = QWidget()
        self.frame = QVBoxLayout(root)
        self.frame.setContentsMargins(0, 0, 0, 0)
        self.frame.setSpacing(0)
        self.stack = QStackedLayout()
        self.frame.addLayout(self.stack, stretch=1)
        self.setCentralWidget(root)
        self.countdown: QWidget | None = None
        self.idle = QTimer(self, interval=1000)
        self.idle.timeout.connect(self._idle_tick)
        self.idle_left = self._idle_s()
        self.progress = QTimer(self, singleShot=True)
        self.progress.timeout.connect(lambda: self._show_busy(False))
        self.slow = QTimer(self, singleShot=True)
        self.slow.timeout.connect(lambda: self._show_busy(True))
        bridge.message.connect(self._on_message)
        bridge.replied.connect(self._on_reply)
        self.devices: dict[str, str] = {}  # this kiosk's printer, reader, scanner: their state
        self.ticket_done = QTimer(self, singleShot=True)  # a printed ticket's QR (its cancel
        self.ticket_done.timeout.connect(self.go_home)    # secret) does not linger on screen
        self.print_wait = QTimer(self, singleShot=True)   # no word from the printer in time
        self.print_wait.timeout.connect(self._not_printed)
        for kind in ("printer", "id_reader", "scanner"):
            device = getattr(setup, kind)
            if device:
                bridge.subscribe(Topics(hall, kind, device).availability)
        for topic in (Topics(hall, "hall").state, Topics(hall, "queue").state, Topics(hall, "guide").state,
                      Topics(hall, "kiosk", kiosk).setup,
                      f"hall/{hall}/kiosk_devices/main/event/+/{kiosk}",
                      Topics(hall, "locker").state, f"hall/{hall}/locker/main/event/+/{kiosk}",
                      Topics(hall, "printer").event("accepted"),
                      Topics(hall, "printer").event("printed"),
                      Topics(hall, "printer").event("failed")):
            bridge.subscribe(topic)
        # Any touch anywhere resets the idle clock; the watcher goes with the window.
        self._touches = TouchWatcher(self.touched, self.show_pin, parent=self)
        QApplication.instance().installEventFilter(self._touches)
        self.show_home()
        self.idle.start()

    # -- what the citizen has chosen ----------------------------------------------------------
    def _reset_choices(self) -> None:
        self.lang, self.elderly, self.service, self.home_page = "zh", False, None, 0
        self.typed, self.card_id, self.problem, self.typing = "", None, "", False
        self.pending, self.ticket, self.printing, self.trouble = None, None, "", False
        self.screen, self.id_since, self.last_read = "home", float("inf"), ""
        self.asked: tuple[str, str | None, str] | None = None  # action, service, screen asked from
        self.case_mode, self.case_asked, self.case_cases = "ask", None, []
        self.guide_department, self.guide_hits, self.guide_page, self.guide_typed = None, [], 0, ""
        self.guide_detail, self.guide_from, self.search_tag = None, "guide", None
        self.said: tuple | None = None  # the elderly-mode step last said, not to say it twice
        self.locker_step, self.locker_form, self.locker_op = "code", {}, None
        self.locker_receipt: str | None = None  # a drop-off's, until its printer says how it went
        self.locker_session: str | None = None  # a staff login's, until home (or idle) forgets it

    @property
    def theme(self) -> Theme:
        return Theme(self.width_px, self.height_px, self.setup.screen_width_mm, self.elderly)

    def _idle_s(self) -> int:
        return self.setup.elderly_idle_s if self.elderly else self.setup.idle_s

    def voice(self, step: str, **more) -> None:
        """In elderly mode, the step said on this kiosk's speaker by the voice daemon, once
        per screen (a screen redrawn with new figures is not said again)."""
        if not (self.elderly and self.setup.speaker) or self.said == (step, *more.values()):
            return
        self.said = (step, *more.values())
        self.bridge.request(Topics(self.hall, "voice").cmd("kiosk-say"), {"step": step, **more})

    def _put(self, page: QWidget) -> None:
        replace_page(self.stack, page)

    # -- screens -------------------------------------------------------------------------------
    def show_home(self) -> None:
        self.screen = "home"
        d = self.directory
        name = (d.name_zh if self.lang == "zh" else d.name_en) if d else ""
        notice = ""
        if d and d.notices:
            n = d.notices[0]
            notice = n.text_zh if self.lang == "zh" or not n.text_en else n.text_en
        if not self.connected:
            notice = t("offline", self.lang)
        self._put(pages.home_page(
            self.theme, self.lang, name, notice, self._service_buttons(), page=self.home_page,
            on_service=self.choose_service, on_appointment=self.show_checkin,
            on_cases=lambda: self.show_cases("ask"), on_guide=self._guide_home,
            on_locker=self.show_locker if self.locker_state and self.locker_state.lockers else None,
            on_elderly=self._toggle_elderly, on_language=self._toggle_language, on_page=self._home_page))
        self.voice("home")

    def _service_buttons(self) -> list[pages.ServiceButton]:
        if self.directory is None:
            return []
        figures = {s.code: s for s in self.queue.services} if self.queue else {}
        out = []
        for svc in self.directory.services:
            f = figures.get(svc.code)
            wait = None if f is None or f.est_wait_s is None else round(f.est_wait_s / 60)
            available = f is None or f.quota_left is None or f.quota_left > 0
            out.append(pages.ServiceButton(svc.code, svc.name_zh if self.lang == "zh" else svc.name_en,
                                           f.waiting if f else 0, wait, available))
        return out

    def _service_info(self, code: str | None):
        """The service in the hall directory; None if it is not there (any more)."""
        services = self.directory.services if self.directory else []
        return next((s for s in services if s.code == code), None)

    def choose_service(self, code: str) -> None:
        if self.pending is not None or self._service_info(code) is None:
            return
        self.service = code
        info = self._service_info(code)
        if info.ask_id == "no":
            self._issue()
        else:
            self.typing = not self.elderly  # the elderly are asked for the card, not to type
            self.show_id()

    def show_id(self) -> None:
        if self.screen != "id":
            self.id_since = time.time()
        self.screen = "id"
        info = self._service_info(self.service)
        self._put(pages.id_page(
            self.theme, self.lang, info.name_zh if self.lang == "zh" else info.name_en, info.ask_id,
            self.typed, self.problem, typing=self.typing, on_typed=self._typed, on_ok=self._typed_ok,
            on_skip=self._issue, on_back=self.go_home_keep_mode, on_type=self._start_typing))
        self.voice("id")

    def show_checkin(self) -> None:
        if self.screen != "checkin":
            self.id_since = time.time()
            self.typing = not self.elderly
        self.screen = "checkin"
        self._put(pages.checkin_page(
            self.theme, self.lang, self.typed, self.problem, typing=self.typing,
            on_typed=self._typed, on_ok=self._code_ok, on_back=self.go_home_keep_mode,
            on_type=self._start_typing))
        self.voice("checkin")

    def _code_ok(self) -> None:
        if not CODE.match(self.typed):
            self.problem = t("appt_not_found", self.lang)
            self.show_checkin()
            return
        self._check_in({"code": self.typed})

    def _check_in(self, data: dict) -> None:
        self.service = None
        self._send("check-in", {**data, "kiosk": self.kiosk})

    def _start_typing(self) -> None:
        self.typing = True
        if self.screen == "checkin":
            self.show_checkin()
        else:
            self.show_id()

    def _typed(self, text: str) -> None:
        self.typed, self.problem = text, ""
        shown = self.stack.currentWidget().findChild(QWidget, "typed")
        masked = self.screen == "id" or (self.screen == "cases" and self.case_mode == "id")
        if shown is not None:
            shown.setText(pages.masked_typing(text) if masked else text or "—")

    def _typed_ok(self) -> None:
        if not valid_id_number(self.typed):
            self.problem = t("id_bad", self.lang)
            self.show_id()
            return
        self.card_id = self.typed
        self._issue()

    def _show_busy(self, slow: bool) -> None:
        if self.pending is not None:
            self._put(pages.busy_page(self.theme, self.lang, slow))

    def show_ticket(self) -> None:
        self.screen = "ticket"
        qr_template = self.directory.ticket_qr if self.directory else "{ticket_id}"
        tk = self.ticket
        qr = qr_template.format(hall=self.hall, ticket_id=tk["ticket_id"], secret=tk["secret"],
                                number=tk["number"], day=tk["day"])
        self._put(pages.ticket_page(self.theme, self.lang, tk, qr, self.printing, self.trouble,
                                    on_home=self.go_home))
        self.voice("ticket", number=tk["number"], ahead=tk["ahead"])

    def show_message(self, sentence: str, back_to: str = "home", title: str = "refused_title") -> None:
        """``back_to``: where Back goes (the screen a refusal came from)."""
        self.screen = "message"
        back = {"id": self.show_id, "checkin": self.show_checkin, "cases": self.show_cases,
                "guide": self.show_guide,
                "guide-list": self.show_guide_list, "guide-search": self.show_guide_search,
                }.get(back_to, self.go_home_keep_mode)
        self._put(pages.message_page(self.theme, self.lang, sentence, on_back=back,
                                     on_home=self.go_home, title=title))
        self.voice("refused")

    # -- requests ------------------------------------------------------------------------------
    def _issue(self) -> None:
        data = {"service": self.service, "kiosk": self.kiosk}
        if self.card_id:
            data["id_number"] = self.card_id
        self._send("issue", data)

    def _send(self, action: str, data: dict, daemon: str = "queue") -> None:
        """One request at a time; until it is answered the screen takes no other input (the
        page stays up 300 ms, then progress shows) and nothing redraws it."""
        if self.pending is not None:
            return
        self.asked = (action, self.service, self.screen)
        self.screen = "busy"
        self.pending = self.bridge.request(Topics(self.hall, daemon).cmd(action), data)
        self.progress.start(PROGRESS_AFTER_MS)
        self.slow.start(SLOW_AFTER_MS)

    def _on_reply(self, tag: str, action: str, reply) -> None:
        if tag == self.search_tag:  # the guide's search as typed: beside the one-at-a-time requests
            self.guide_hits_answer(reply)
            return
        if tag != self.pending:
            return  # an answer to a request the citizen has walked away from
        self.pending = None
        self.progress.stop()
        self.slow.stop()
        self.card_id, self.typed = None, ""  # the ID number is not kept past its request
        asked_action, self.service, asked_from = self.asked
        if asked_action == "maintenance-login":
            self._pin_answer(reply)
        elif asked_action == "test":
            self._test_answer(reply)
        elif asked_action == "case-lookup":
            self.case_answer(reply)
        elif asked_action == "guide-search":
            self.guide_list_answer(reply)
        elif asked_action == "guide-item":
            self.guide_item_answer(reply)
        elif asked_action in LOCKER_ACTIONS:
            self.locker_answer(asked_action, reply)
        elif isinstance(reply, str):  # no answer within the wait: nothing was issued
            self.show_message(t("down", self.lang), back_to=asked_from)
        elif reply.status == "ok":
            self.ticket = reply.data
            self.printing, self.trouble = (t("printing", self.lang), False) if self.setup.printer \
                else ("", False)
            if self.setup.printer:
                self.print_wait.start(ACCEPT_WAIT_S * 1000)  # until the printer daemon takes it
            self.show_ticket()
        else:
            info = self._service_info(self.service)
            name = (info.name_zh if self.lang == "zh" else info.name_en) if info else ""
            hours = self.directory.hours_today if self.directory else []
            self.show_message(refusal(reply.error, self.lang, self.service, name, hours),
                              back_to=asked_from)

    # -- the bus -----------------------------------------------------------------------------
    def _on_message(self, topic: str, payload: bytes) -> None:
        """Every message, read through its contract model; a malformed one changes nothing
        on the screen, and no error escapes into Qt (which would end the app)."""
        try:
            if topic.endswith("/hall/main/state"):
                self.directory = HallState.model_validate_json(payload)
                self._refresh_home(rebuild=True)  # the hall's name, notices, services
            elif topic.endswith("/locker/main/state"):
                had = bool(self.locker_state and self.locker_state.lockers)
                self.locker_state = LockerState.model_validate_json(payload)
                if had != bool(self.locker_state.lockers):
                    self._refresh_home(rebuild=True)  # the locker's way in comes or goes
            elif "/locker/main/event/" in topic:
                name = topic.split("/")[-2]
                model = LOCKER_EVENTS.get(name)
                if model is not None:
                    self.locker_event(name, EventOf[model].model_validate_json(payload).data.model_dump())
            elif topic.endswith("/guide/main/state"):
                self.guide_state = GuideState.model_validate_json(payload)
                if self.screen == "guide":
                    self.show_guide()
            elif topic.endswith("/queue/main/state"):
                self.queue = QueueState.model_validate_json(payload)
                self._refresh_home()
            elif topic.endswith(f"/kiosk/{self.kiosk}/setup"):
                self.setup = KioskSetup.model_validate_json(payload)
            elif "/kiosk_devices/main/event/" in topic:
                name = topic.split("/")[-2]
                model = DEVICE_EVENTS.get(name)
                if model is not None:
                    event = EventOf[model].model_validate_json(payload)
                    self._device_event(name, event.data, event.ts)
            elif topic.endswith("/availability"):
                self.devices[topic.split("/")[3]] = Availability.model_validate_json(payload).state
                if self.screen == "maintenance":
                    self.show_maintenance()
            elif "/printer/main/event/" in topic:
                self._printer_event(topic.rsplit("/", 1)[-1], json.loads(payload)["data"])
        except ValueError:  # pydantic's errors too
            log.warning("ignored a malformed message on %s", topic)
        except Exception:
            log.exception("a message on %s could not be shown", topic)

    def _refresh_home(self, rebuild: bool = False) -> None:
        """The queue's new figures go into the buttons on screen (a page rebuilt under a
        finger would lose the tap, and they change all the time); the directory or the
        connection changing, rarely, builds the page anew."""
        if self.screen != "home":
            return
        if rebuild or not pages.update_home(self.stack.currentWidget(), self.lang,
                                            self._service_buttons()):
            self.show_home()

    def _device_event(self, name: str, data, ts: float) -> None:
        if self.screen == "maintenance":  # the reader and scanner test: what came, masked
            self.last_read = (mask_id(data.id_number) if name == "card" else
                              mask_code(data.code) if name == "scan" else data.reason)
            self.show_maintenance()
            return
        # A card read before this screen opened (or held back by a network hiccup) belongs to
        # someone else: only what is read while the citizen stands here counts.
        if ts < self.id_since - CLOCK_SLACK_S or time.time() - ts > STALE_S:
            return
        if self.screen == "locker-entry" and name == "scan":
            self.locker_scan(data.code)
        elif self.screen == "cases" and self.case_mode == "ask":
            self.case_device_event(name, data)
        elif name == "card" and self.screen == "id":
            self.card_id = data.id_number
            self._issue()
        elif name == "card" and self.screen == "checkin":
            self._check_in({"id_number": data.id_number})
        elif name == "scan" and self.screen == "checkin":
            code = appointment_code(data.code)
            if code:
                self._check_in({"code": code})
            else:
                self.problem = t("appt_not_found", self.lang)
                self.show_checkin()
        elif name == "card-refused" and self.screen in ("id", "checkin"):
            self.problem = data.zh if self.lang == "zh" else data.en
            if self.screen == "id":
                self.show_id()
            else:
                self.show_checkin()

    def _printer_event(self, name: str, data: dict) -> None:
        if name == "failed" and data.get("ticket_id") is None and data.get("number"):
            self.receipt_not_printed(data)
            return
        if not self.ticket or data.get("ticket_id") != self.ticket["ticket_id"]:
            return
        if name == "accepted":  # queued: the word comes by expect_by, however slow the printer
            wait = float(data["expect_by"]) - time.time() + PRINT_SLACK_S
            self.print_wait.start(int(max(1.0, wait) * 1000))
            return
        self.print_wait.stop()
        if name == "printed":
            self.printing, self.trouble = t("printed", self.lang), False
            self.ticket_done.start(TICKET_SHOWN_S * 1000)
        elif name == "failed":
            self._not_printed()
            return
        if self.screen == "ticket":
            self.show_ticket()

    def _not_printed(self) -> None:
        """The printer failed, or nobody said a word on the ticket in time (printer daemon
        down): either way the number stays valid, and is shown to be noted."""
        if not self.ticket:
            return
        self.printing = t("not_printed", self.lang, number=self.ticket["number"])
        self.trouble = True
        if self.screen == "ticket":
            self.show_ticket()

    def _on_connection(self, up: bool) -> None:
        self.connected = up
        self._refresh_home(rebuild=True)  # the offline notice comes or goes

    # -- modes and the idle clock ------------------------------------------------------------
    def _toggle_language(self) -> None:
        self.lang = "en" if self.lang == "zh" else "zh"
        self.show_home()

    def _toggle_elderly(self) -> None:
        self.elderly = not self.elderly
        self.home_page = 0
        self.idle_left = self._idle_s()
        self.show_home()

    def _home_page(self, n: int) -> None:
        self.home_page = n
        self.show_home()

    def go_home_keep_mode(self) -> None:
        """Back to the start in the same language and mode, everything else forgotten (a
        search, a case, an ID number: the next citizen may be the one who taps next)."""
        lang, elderly, page = self.lang, self.elderly, self.home_page
        self.ticket_done.stop()
        self.print_wait.stop()
        self._reset_choices()
        self.lang, self.elderly, self.home_page = lang, elderly, page
        self.show_home()

    def go_home(self) -> None:
        """Back to the start for the next citizen: language, mode and all choices reset."""
        self.ticket_done.stop()
        self.print_wait.stop()
        self._reset_choices()
        self.idle_left = self._idle_s()
        self._hide_countdown()
        self.show_home()

    def touched(self) -> None:
        self.idle_left = self._idle_s()
        self._hide_countdown()

    def _idle_tick(self) -> None:
        if self.screen == "home" and not (self.elderly or self.lang != "zh"):
            self.idle_left = self._idle_s()
            return  # nothing to forget
        self.idle_left -= 1
        if self.idle_left <= 0:
            self.go_home()
        elif self.idle_left <= COUNTDOWN_S:
            self._show_countdown()

    def _show_countdown(self) -> None:
        """A band over the top of the screen (over the title, never over a button)."""
        self._hide_countdown()
        self.countdown = pages.countdown_bar(self.theme, self.lang, self.idle_left)
        self.countdown.setParent(self.centralWidget())
        self.countdown.setGeometry(0, 0, self.width_px, self.countdown.sizeHint().height()
                                   + self.theme.px(20))
        self.countdown.show()
        self.countdown.raise_()

    def _hide_countdown(self) -> None:
        if self.countdown is not None:
            self.countdown.hide()
            self.countdown.deleteLater()
            self.countdown = None
