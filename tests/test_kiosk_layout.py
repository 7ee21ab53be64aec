"""Every kiosk screen, in both orientations, both languages and elderly mode, checked from
the widgets themselves: text size, touch targets, contrast, and that every text fits.

The screens are fed the bus's own payloads (a hall directory, queue figures, a ticket);
the bus itself is exercised in test_kiosk.py, so here a bridge that carries nothing
stands in for it. Screenshots go to $HALLKIT_SCREENSHOTS when it is set.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

pytest.importorskip("PyQt6")

from PyQt6.QtCore import QObject, QPoint, QRect, Qt, pyqtSignal
from PyQt6.QtGui import QFontMetrics, QPalette
from PyQt6.QtWidgets import QLabel, QPushButton, QScrollArea, QWidget

from hallkit.contract.envelope import ErrorBody
from hallkit.daemons.cases.csvfile import read_export
from hallkit.daemons.guide.contract import DepartmentCount, GuideState
from hallkit.daemons.guide.guidefile import read_guide
from hallkit.daemons.hall.contract import HallState, KioskSetup, Notice, ServiceInfo, WindowInfo
from hallkit.daemons.queue.contract import QueueState, ServiceQueue
from hallkit.kiosk_ui.kiosk import pages
from hallkit.kiosk_ui.kiosk.refusals import refusal
from hallkit.kiosk_ui.kiosk.theme import contrast
from hallkit.kiosk_ui.kiosk.window import KioskWindow

SHOTS = os.environ.get("HALLKIT_SCREENSHOTS")
SERVICES = [("BDC", "不动产登记", "Real Estate Registration", "optional"),
            ("SB", "社保", "Social Insurance", "optional"), ("YB", "医保", "Medical Insurance", "no"),
            ("HZ", "公安户政", "Household Registration", "required"), ("SW", "税务", "Taxation", "no"),
            ("SCZT", "市场主体登记", "Business Registration", "no"),
            ("GJJ", "公积金", "Housing Provident Fund", "no"), ("ZX", "综合咨询", "General Enquiries", "no")]


class NoBus(QObject):
    message = pyqtSignal(str, bytes)
    replied = pyqtSignal(str, str, object)
    connection = pyqtSignal(bool)
    is_connected = True

    def subscribe(self, pattern: str) -> None:
        pass

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[str, dict]] = []

    def request(self, topic: str, data: dict, tag: str = "") -> str:
        self.sent.append((topic, data))
        return "layout"


def directory() -> HallState:
    return HallState(hall="demo", name_zh="清河县政务服务中心",
                     name_en="Qinghe County Government Service Center", open_now=True,
                     hours_today=["08:30-12:00", "13:30-17:30"],
                     services=[ServiceInfo(code=c, prefix=chr(65 + i), name_zh=zh, name_en=en, ask_id=a)
                               for i, (c, zh, en, a) in enumerate(SERVICES)],
                     windows=[WindowInfo(number=1, label_zh="1号窗口", label_en="Window 1",
                                         services=["BDC"])],
                     notices=[Notice(id=1, text_zh="今日下午14:00-15:00系统升级，暂停办理不动产登记",
                                     text_en="Real estate registration paused 14:00-15:00 today")])


def figures() -> QueueState:
    return QueueState(day="2026-11-30", waiting_by_window={}, services=[
        ServiceQueue(code=c, waiting=5 * i + 3, priority_waiting=0, issued=40, windows_open=2,
                     quota_left=0 if c == "SCZT" else 100, est_wait_s=600.0 * i if i else 0.0)
        for i, (c, *_) in enumerate(SERVICES)])


TICKET = {"ticket_id": "1a2b3c4d5e6f7a8b", "secret": "0123456789ab", "number": "A012", "service": "BDC",
          "service_name_zh": "不动产登记", "service_name_en": "Real Estate Registration",
          "day": "2026-11-30", "taken_at": 1796000000.0, "ahead": 12, "est_wait_s": 1500.0}


CONFIG = Path(__file__).resolve().parent.parent / "config"


def guide_state() -> GuideState:
    guide = read_guide(CONFIG / "demo-guide.toml")
    return GuideState(items=len(guide.items), departments=[
        DepartmentCount(**d.model_dump(), items=sum(i.department == d.code for i in guide.items))
        for d in guide.departments])


def guide_detail(item_id: str) -> dict:
    """What the guide daemon answers for an item of the demo guide (tests/test_guide.py
    checks the daemon gives exactly this shape)."""
    guide = read_guide(CONFIG / "demo-guide.toml")
    item = next(i for i in guide.items if i.id == item_id)
    dep = next(d for d in guide.departments if d.code == item.department)
    return {"item": item.model_dump(exclude_none=True), "department": dep.model_dump(),
            "windows": [{"number": n, "label_zh": f"{n}号窗口", "label_en": f"Window {n}"}
                        for n in (1, 2, 3)],
            "hours": [{"days": ["mon", "tue", "wed", "thu", "fri"], "hours": ["08:30-12:00", "13:30-17:30"]},
                      {"days": ["sat"], "hours": ["09:00-12:00"]}, {"days": ["sun"], "hours": []}]}


def demo_cases(*numbers: str) -> list[dict]:
    """Cases of the demo export as the cases daemon shows them (name masked, no ID or phone)."""
    from hallkit.daemons.cases.records import CaseView
    from hallkit.privacy import mask_name
    rows = {r.case_no: r for r in read_export(CONFIG / "demo-cases.csv")[0]}
    return [CaseView(applicant_masked=mask_name(rows[n].applicant), **rows[n].model_dump(
        exclude={"applicant", "id_number", "phone_last4"})).model_dump(exclude_none=True) for n in numbers]


def kiosk(qtbot, screen: str, speaker: bool = False) -> KioskWindow:
    setup = KioskSetup(kiosk="kiosk-1", screen=screen, screen_width_mm=268 if screen == "portrait" else 476,
                       idle_s=60, elderly_idle_s=120, printer="p-1", id_reader="idr-1",
                       scanner="scan-1", has_maintenance_pin=True, speaker=speaker)
    window = KioskWindow(NoBus(), "demo", "kiosk-1", setup)
    qtbot.addWidget(window)
    window.show()
    window._on_message("hall/demo/hall/main/state", directory().model_dump_json().encode())
    window._on_message("hall/demo/queue/main/state", figures().model_dump_json().encode())
    window._on_message("hall/demo/guide/main/state", guide_state().model_dump_json().encode())
    window._on_message("hall/demo/locker/main/state", locker_state().model_dump_json().encode())
    return window


def locker_state():
    from hallkit.daemons.locker.contract import Compartment, LockerState, LockerView
    comps = [Compartment(number=n, size="S" if n <= 12 else "M" if n <= 20 else "L",
                         state="free" if n % 3 else "occupied", door="shut") for n in range(1, 25)]
    view = LockerView(id="l1", name_zh="24小时自助文件柜", name_en="24-hour document locker",
                      free={"S": 8, "M": 5, "L": 3}, compartments=comps)
    return LockerState(lockers=[view],
                       alarms=[], sms_waiting=0, summary="")


def screens(window: KioskWindow):
    """(name, how to get there) for every screen the kiosk has."""
    def ticket(printing_key: str, trouble: bool):
        def go():
            window.ticket = TICKET
            window.printing = pages.t(printing_key, window.lang, number="A012")
            window.trouble = trouble
            window.show_ticket()
        return go

    def id_screen():
        window.service = "HZ"
        window.typing = not window.elderly
        window.show_id()

    def countdown():
        window.show_home()
        window.idle_left = 9
        window._show_countdown()

    def checkin(typing: bool):
        def go():
            window.screen = "home"
            window.show_checkin()
            if typing:
                window._start_typing()
        return go

    def cases(mode: str):
        def go():
            window.screen = "home"
            window.show_cases(mode)
            if mode == "case_no":
                window._typed("QH20261127000318")
        return go

    def phone():
        window.card_id = "430102194805120023"
        window.show_phone()
        window._typed("56")

    def case_result(*numbers: str):
        def go():
            window.case_cases = demo_cases(*numbers)
            window.show_case_result()
        return go

    def guide_list():
        window.guide_department, window.guide_page = "bdc", 0
        window.guide_hits = [{"id": f"i{n}", "department": "bdc", "name_zh": f"不动产登记事项示例{n}",
                              "name_en": f"Real estate registration item {n}"} for n in range(12)]
        window.show_guide_list()

    def guide_search():
        window.guide_typed = "BDC"
        window.show_guide_search()
        window.search_tag = "s"
        from hallkit.contract.envelope import Reply
        names = [("不动产转移登记", "Real estate transfer registration"),
                 ("不动产抵押登记", "Mortgage registration"),
                 ("不动产权证书补证换证", "Replacement of a title certificate")]
        hits = [{"id": f"bdc-{n}", "department": "bdc", "name_zh": name, "name_en": en}
                for n, (name, en) in enumerate(names)]
        window._on_reply("s", "guide-search", Reply(id="x", status="ok", ts=0,
                                                     data={"hits": hits, "total": 3}))

    def guide_item(item_id: str):
        def go():
            window.guide_detail = guide_detail(item_id)
            window.show_guide_item()
        return go

    return [("home", window.show_home), ("id", id_screen), ("checkin", checkin(False)),
            ("checkin-typing", checkin(True)),
            ("busy", lambda: window._put(pages.busy_page(window.theme, window.lang, True))),
            ("ticket", ticket("printed", False)), ("not-printed", ticket("not_printed", True)),
            ("refused", lambda: window.show_message(refusal(
                ErrorBody(code="sold_out", message="今日社保号已取完"), window.lang, "SB",
                "社保" if window.lang == "zh" else "Social Insurance", []))),
            ("countdown", countdown),
            ("pin", lambda: (setattr(window, "screen", "home"), window.show_pin())),
            ("maintenance", window.show_maintenance),
            ("cases", cases("ask")), ("cases-number", cases("case_no")), ("cases-id", cases("id")),
            ("cases-phone", phone), ("case-one", case_result("QH20261120000207")),
            ("case-several", case_result("QH20261127000318", "QH20261120000207", "QH20261125000126")),
            ("case-locked", lambda: window.show_message(pages.t("case_locked", window.lang, m=10),
                                                        title="lookup_failed")),
            ("guide", window._guide_home), ("guide-list", guide_list), ("guide-search", guide_search),
            ("guide-item", guide_item("bdc-transfer")), ("guide-item-short", guide_item("zx-help")),
            ("locker", window.show_locker), ("locker-code", lambda: window.locker_entry("code")),
            ("locker-pin", lambda: (window.locker_entry("staff_pin"), window._locker_typed("2468"))),
            ("locker-case", lambda: window.locker_entry("case")), ("locker-staff", window.show_staff),
            ("locker-size", lambda: (window.locker_form.update(case_no="QH20261120000207",
                                                               phone="13907315678"), window._show_sizes())),
            ("locker-dropoff", window._show_dropoff),
            ("locker-open", lambda: window._show_door(pages.t("door_open_pickup", window.lang, number=13),
                                                      False)),
            ("locker-receipt", lambda: window._show_door(pages.t("dropped", window.lang,
                                                                 receipt="D20261130-014-382"), False)),
            ("locker-close", lambda: window._show_door(pages.t("close_door", window.lang, number=13), True))]


def background(widget: QWidget, role: QPalette.ColorRole):
    while widget is not None and not widget.autoFillBackground():
        widget = widget.parentWidget()
    return widget.palette().color(role) if widget is not None else None


def shown_box(window: KioskWindow, w: QWidget) -> QRect:
    """Where ``w`` shows on the screen: inside a scrolling pane, only what the pane shows of it."""
    box = QRect(w.mapTo(window, w.rect().topLeft()), w.size())
    parent = w.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            view = parent.viewport()
            return box.intersected(QRect(view.mapTo(window, view.rect().topLeft()), view.size()))
        parent = parent.parentWidget()
    return box


def scrolled(w: QWidget) -> bool:
    parent = w.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    return parent is not None


def problems(window: KioskWindow) -> list[str]:
    theme = window.theme
    least_px = 32 if window.elderly else 24
    out = []
    visible = [w for w in window.findChildren(QWidget) if w.isVisible()]
    for w in visible:
        if isinstance(w, QPushButton):
            text, fg_role, bg_role = w.text(), QPalette.ColorRole.ButtonText, QPalette.ColorRole.Button
            if w.height() < theme.target or w.width() < theme.target:
                out.append(f"button {text!r} is {w.width()}×{w.height()}, under {theme.target} px")
        elif isinstance(w, QLabel) and w.text():
            text, fg_role, bg_role = w.text(), QPalette.ColorRole.WindowText, QPalette.ColorRole.Window
        else:
            continue
        if w.height() < w.minimumHeight() or w.height() < w.minimumSizeHint().height() - 2:
            out.append(f"{text[:30]!r} squeezed to {w.height()} px (needs "
                       f"{max(w.minimumHeight(), w.minimumSizeHint().height())})")
        top_left = w.mapTo(window, w.rect().topLeft())
        if scrolled(w):  # a pane scrolls up and down, never sideways
            view = shown_box(window, w)
            if top_left.x() < 0 or top_left.x() + w.width() > window.width() or (
                    not view.isEmpty() and view.width() < w.width()):
                out.append(f"{text[:30]!r} reaches out of its pane sideways")
        elif not window.rect().contains(QRect(top_left, w.size())):
            out.append(f"{text[:30]!r} reaches outside the screen")
        if w.font().pixelSize() < least_px:
            out.append(f"{text!r} in {w.font().pixelSize()} px, under {least_px}")
        ratio = contrast(w.palette().color(fg_role), background(w, bg_role))
        if ratio < 7:
            out.append(f"{text!r} at contrast {ratio:.1f}, under 7:1")
        metrics = QFontMetrics(w.font())
        if isinstance(w, QPushButton):
            wide = max(metrics.horizontalAdvance(line) for line in text.split("\n"))
            tall = metrics.lineSpacing() * len(text.split("\n"))
            if wide > w.width() - 8 or tall > w.height():
                out.append(f"button {text!r} needs {wide}×{tall}, has {w.width()}×{w.height()}")
        else:
            need = metrics.boundingRect(QRect(0, 0, w.width(), 100000),
                                        int(Qt.TextFlag.TextWordWrap), text)
            if need.height() > w.height() or (not w.wordWrap() and need.width() > w.width()):
                out.append(f"{text[:30]!r} needs {need.width()}×{need.height()}, has "
                           f"{w.width()}×{w.height()}")
    texts = [w for w in visible if (isinstance(w, QPushButton) or (isinstance(w, QLabel) and w.text()))
             and w.objectName() != "countdown"]  # a band laid over the title on purpose
    boxes = [(w, shown_box(window, w)) for w in texts]
    boxes = [(w, box) for w, box in boxes if not box.isEmpty()]  # scrolled out of sight
    for i, (a, box_a) in enumerate(boxes):  # a layout that cannot fit piles widgets up
        for b, box_b in boxes[i + 1:]:
            if box_a.intersects(box_b):
                out.append(f"{a.text()[:20]!r} overlaps {b.text()[:20]!r}")
    return out


@pytest.mark.parametrize("screen", ["portrait", "landscape"])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("elderly", [False, True], ids=["standard", "elderly"])
def test_every_screen_is_readable_touchable_and_fits(qtbot, screen, lang, elderly):
    window = kiosk(qtbot, screen)
    window.lang, window.elderly = lang, elderly
    found = {}
    for name, go in screens(window):
        go()
        qtbot.wait(10)  # laid out
        found[name] = problems(window)
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            window.grab().save(str(Path(SHOTS) / f"kiosk-{screen}-{lang}-"
                                   f"{'elderly' if elderly else 'standard'}-{name}.png"))
        window._hide_countdown()
    assert {name: p for name, p in found.items() if p} == {}


def test_the_countdown_band_covers_no_button(qtbot):
    window = kiosk(qtbot, "portrait")
    window.lang = "en"
    window.show_home()
    window.idle_left = 9
    window._show_countdown()
    band = QRect(window.countdown.mapTo(window, window.countdown.rect().topLeft()),
                 window.countdown.size())
    buttons = [b for b in window.stack.currentWidget().findChildren(QPushButton) if b.isVisible()]
    assert buttons and not [b.text() for b in buttons
                            if band.intersects(QRect(b.mapTo(window, b.rect().topLeft()), b.size()))]


def test_elderly_mode_shows_fewer_choices_and_asks_for_the_card_not_typing(qtbot):
    window = kiosk(qtbot, "portrait")
    def service_buttons():
        return [b for b in window.stack.currentWidget().findChildren(QPushButton)
                if b.objectName().startswith("service-")]

    window.show_home()
    standard = service_buttons()
    window._toggle_elderly()
    elderly = service_buttons()
    assert len(standard) == 8 and len(elderly) == 3  # and the four other ways in
    window.choose_service("HZ")
    assert window.stack.currentWidget().findChild(QWidget, "typed") is None  # no keypad at first
    assert window._idle_s() == 120


def test_a_held_corner_asks_for_the_pin_and_the_hall_daemons_answers_are_said(qtbot, monkeypatch):
    """The PIN is checked by the hall daemon (test_kiosk.py); here its answers, as they come
    off the bus, and what the screen makes of them."""
    from hallkit.contract.envelope import Reply
    from hallkit.kiosk_ui.kiosk import maintenance
    monkeypatch.setattr(maintenance, "HOLD_S", 0.2)
    window = kiosk(qtbot, "portrait")
    window.show_home()
    page = window.stack.currentWidget()
    qtbot.mousePress(page, Qt.MouseButton.LeftButton, pos=page.rect().center())
    qtbot.wait(300)
    qtbot.mouseRelease(page, Qt.MouseButton.LeftButton, pos=page.rect().center())
    assert window.screen == "home"  # held in the middle: nothing
    qtbot.mousePress(page, Qt.MouseButton.LeftButton, pos=page.rect().topLeft() + QPoint(5, 5))
    qtbot.waitUntil(lambda: window.screen == "pin", timeout=2000)

    def answer(outcome: str, **more) -> str:
        window._pin_typed("1111")
        window._pin_ok()
        window._on_reply(window.pending, "maintenance-login", Reply(
            id="x", status="ok", ts=0, data={"outcome": outcome, **more}))
        said = window.stack.currentWidget().findChild(QWidget, "problem")
        return said.text() if said is not None else ""

    assert answer("wrong", tries_left=4) == "密码错误，还可尝试 4 次"
    assert "维护已锁定 5 分钟" in answer("locked", locked_s=300)
    answer("ok")
    assert window.screen == "maintenance"
    window._on_message("hall/demo/printer/p-1/availability", b'{"v":1,"state":"offline","ts":1}')
    states = [w.text() for w in window.stack.currentWidget().findChildren(QLabel)]
    assert "打印机：离线" in states and "身份证阅读器：未知" in states


def test_a_typed_id_number_shows_masked_and_idle_forgets_everything(qtbot):
    window = kiosk(qtbot, "portrait")
    window.choose_service("HZ")
    for digit in "11010519491231002X":
        window._typed(window.typed + digit)
    shown = window.stack.currentWidget().findChild(QWidget, "typed").text()
    assert shown == "110***********002X"
    window.card_id, window.last_read, window.ticket = "11010519491231002X", "YY00…", TICKET
    window.idle_left = 1
    window._idle_tick()
    assert (window.screen, window.typed, window.card_id, window.ticket, window.last_read,
            window.pending, window.service) == ("home", "", None, None, "", None, None)
    every_text = " ".join(w.text() for w in window.findChildren(QLabel) + window.findChildren(QPushButton))
    assert "11010519491231002X" not in every_text


def test_a_late_answer_or_a_stale_card_changes_nothing(qtbot):
    from hallkit.contract.envelope import Reply
    window = kiosk(qtbot, "portrait")
    window.choose_service("YB")  # no ID asked: the request goes at once
    tag = window.pending
    assert window.screen == "busy"
    window._on_message("hall/demo/queue/main/state", figures().model_dump_json().encode())
    assert window.stack.currentWidget().objectName() == "home"  # not rebuilt under the wait
    window.choose_service("SB")  # a second tap while waiting: ignored
    assert window.pending == tag
    window.go_home()  # the citizen walks away
    window._on_reply(tag, "issue", Reply(id="x", status="ok", ts=0, data=TICKET))
    assert window.screen == "home" and window.ticket is None
    window.choose_service("HZ")
    stale = {"v": 1, "ts": window.id_since - 30, "data": {"device": "idr-1",
             "id_number": "11010519491231002X", "id_masked": "110***********002X",
             "name_masked": "张*"}}
    window._on_message("hall/demo/kiosk_devices/main/event/card/kiosk-1", json.dumps(stale).encode())
    assert window.pending is None and window.screen == "id"  # someone else's card: ignored
    window._on_message("hall/demo/kiosk_devices/main/event/card/kiosk-1", b'{"v":1,"ts":1,"data":[]}')
    assert window.screen == "id"  # malformed: nothing happens, nothing breaks


def test_the_offline_notice_comes_and_goes_with_the_connection(qtbot):
    window = kiosk(qtbot, "portrait")
    window.show_home()

    def texts():
        return " ".join(w.text() for w in window.stack.currentWidget().findChildren(QLabel))

    window._on_connection(False)
    assert "网络连接中断" in texts()
    window._on_message("hall/demo/queue/main/state", figures().model_dump_json().encode())
    assert "网络连接中断" in texts()  # new figures keep the notice
    window._on_connection(True)
    assert "网络连接中断" not in texts() and "系统升级" in texts()


def test_a_search_a_case_and_a_card_are_forgotten_when_the_citizen_goes_back_home(qtbot):
    window = kiosk(qtbot, "portrait")
    window._guide_home()
    window.show_guide_search()
    window._guide_typed("LH")  # 离婚: what one citizen searched is not the next one's business
    window.case_cases, window.card_id = demo_cases("QH20261120000207"), "430102194805120023"
    window.lang = "en"
    window.go_home_keep_mode()
    assert (window.guide_typed, window.case_cases, window.card_id, window.search_tag, window.lang) == (
        "", [], None, None, "en")
    window.show_guide_search()
    assert window.stack.currentWidget().findChild(QWidget, "typed").text() == "—"


def test_taps_while_a_request_is_out_change_nothing(qtbot):
    window = kiosk(qtbot, "portrait")
    window._guide_home()
    window._guide_department("bdc")  # asked: the page stays tappable for 300 ms
    assert window.pending is not None and window.screen == "busy"
    window._guide_department("gjj")
    window._guide_turn(1)
    window._guide_item("gjj-rent")
    window._lookup({"case_no": "QH20261120000207"})
    assert (window.guide_department, window.guide_page, window.case_asked, window.asked[0]) == (
        "bdc", 0, None, "guide-search")


def test_a_search_that_gets_no_answer_says_so_rather_than_nothing_found(qtbot):
    window = kiosk(qtbot, "portrait")
    window._guide_home()
    window.show_guide_search()
    window._guide_typed("B")
    window._on_reply(window.search_tag, "guide-search", "no answer within 5 s")
    page = window.stack.currentWidget()
    assert page.findChild(QWidget, "problem").text() == pages.t("lookup_down", "zh")
    assert page.findChild(QWidget, "none") is None


def test_elderly_mode_says_each_step_once_on_the_kiosks_speaker(qtbot):
    window = kiosk(qtbot, "portrait", speaker=True)

    def steps() -> list[dict]:
        return [data for topic, data in window.bridge.sent if topic.endswith("/voice/main/cmd/kiosk-say")]

    window.show_home()
    assert steps() == []  # standard mode: silent
    window._toggle_elderly()
    window._on_message("hall/demo/hall/main/state", directory().model_dump_json().encode())  # redrawn
    window.choose_service("HZ")
    window.ticket = TICKET
    window.show_ticket()
    window.show_ticket()  # the printer's word redraws it
    assert steps() == [{"step": "home"}, {"step": "id"}, {"step": "ticket", "number": "A012", "ahead": 12}]
