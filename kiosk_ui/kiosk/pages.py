"""The kiosk's screens. Each is built afresh for what it shows (language, elderly mode,
the services' figures), so a screen never keeps the last citizen's data."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from hallkit.kiosk_ui.kiosk.texts import t
from hallkit.kiosk_ui.kiosk.theme import ALERT, ALERT_BG, CALM, INK, PRIMARY, WHITE, Theme, paint
from hallkit.kiosk_ui.kiosk.widgets import CODE_KEYS, Keypad, button, label, qr_pixmap


@dataclass(frozen=True)
class ServiceButton:
    code: str
    name: str
    waiting: int
    wait_min: int | None  # None: no estimate
    available: bool       # tickets can be taken now


def action(theme: Theme, text: str, on_click, *, primary: bool = False):
    """A button of a screen's bottom row: as tall as a thumb is wide, and no taller."""
    b = button(theme, text, on_click, fg=WHITE if primary else INK, bg=PRIMARY if primary else CALM,
               min_height=theme.px(110))
    b.setMaximumHeight(max(b.minimumHeight(), theme.px(140)))
    return b


def service_face(svc: ServiceButton, lang: str) -> tuple[str, str, str]:
    """A service button's text and colours: its name, how many wait and how long."""
    if not svc.available:
        return f"{svc.name}\n{t('closed_service', lang)}", INK, CALM
    wait = t("no_wait", lang) if svc.wait_min == 0 else (
        t("wait_min", lang, m=svc.wait_min) if svc.wait_min is not None else "")
    figure = "  ".join(filter(None, (t("waiting", lang, n=svc.waiting), wait)))
    return f"{svc.name}\n{figure}", WHITE, PRIMARY


def update_home(page: QWidget, lang: str, services: list[ServiceButton]) -> bool:
    """New figures into the home page's buttons; False if its services are not these."""
    if page is None or page.objectName() != "home":
        return False
    buttons = {b.objectName(): b for b in page.findChildren(QPushButton)
               if b.objectName().startswith("service-")}
    shown = [s for s in services if f"service-{s.code}" in buttons]
    if len(shown) != len(buttons):
        return False
    for svc in shown:
        text, fg, bg = service_face(svc, lang)
        b = buttons[f"service-{svc.code}"]
        b.setText(text)
        paint(b, fg, bg)
    return True


def masked_typing(typed: str) -> str:
    """An ID number as it is typed: the first 3 and last 4 digits show (enough to check a
    slip), the middle is masked like everywhere else."""
    if not typed:
        return "—"
    return typed if len(typed) <= 7 else typed[:3] + "*" * (len(typed) - 7) + typed[-4:]


def add_problem(p: Page, theme: Theme, problem: str) -> None:
    """What went wrong with what was just entered, in one line under it."""
    if problem:
        said = label(theme, problem, fg=ALERT, bg=ALERT_BG, bold=True)
        said.setObjectName("problem")
        p.box.addWidget(said)


class Page(QWidget):
    def __init__(self, theme: Theme, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        paint(self, INK, WHITE)
        self.box = QVBoxLayout(self)
        margin = theme.px(40)
        self.box.setContentsMargins(margin, margin, margin, margin)
        self.box.setSpacing(theme.px(24))


def home_page(theme: Theme, lang: str, hall_name: str, notice: str, services: list[ServiceButton],
              *, page: int, on_service: Callable[[str], None], on_appointment, on_cases, on_guide,
              on_locker=None, on_elderly, on_language, on_page) -> Page:
    """Services as big buttons with their waiting counts; below them the appointment, case
    lookup and guide; at the foot elderly mode and the language."""
    p = Page(theme, "home")
    p.box.addWidget(label(theme, hall_name, theme.title, bold=True))
    if notice:
        p.box.addWidget(label(theme, notice, fg=INK, bg=CALM))
    p.box.addWidget(label(theme, t("take_ticket", lang), theme.title))
    landscape = theme.width > theme.height
    entries = [("appointment", on_appointment), ("cases", on_cases), ("guide", on_guide)]
    if on_locker is not None:  # the hall has document lockers
        entries.append(("locker", on_locker))
    # A wide screen has the other choices in a column beside the services, or (elderly: large
    # and few) in a row under one row of them; a tall one has them in rows of two under them.
    beside = landscape and not theme.elderly
    columns = (2 if landscape else 1) if theme.elderly else (3 if landscape else 2)
    per_page = ((2 if landscape else 3) if len(entries) > 3 else 4) if theme.elderly else len(services) or 1
    pages = max(1, math.ceil(len(services) / per_page))
    page = min(page, pages - 1)
    grid = QGridLayout()
    grid.setSpacing(theme.px(20))
    tall = theme.px(150 if landscape and theme.elderly else 170)
    for i, svc in enumerate(services[page * per_page:(page + 1) * per_page]):
        text, fg, bg = service_face(svc, lang)
        b = button(theme, text, lambda _=False, c=svc.code: on_service(c), px=theme.px(34),
                   min_height=tall, fg=fg, bg=bg)
        b.setMaximumHeight(theme.px(230))  # a button, not a wall: the rest stays white
        b.setObjectName(f"service-{svc.code}")
        grid.addWidget(b, i // columns, i % columns)
    others = QVBoxLayout() if beside else QGridLayout()
    others.setSpacing(theme.px(20))
    across = len(entries) if landscape or len(entries) == 3 else 2
    for i, (key, on_click) in enumerate(entries):
        b = action(theme, t(key, lang), on_click)
        b.setObjectName(key)
        if beside:
            others.addWidget(b)
        else:
            others.addWidget(b, i // across, i % across)
    if beside:
        side = QHBoxLayout()
        side.setSpacing(theme.px(32))
        side.addLayout(grid, stretch=3)
        others.addStretch(1)
        side.addLayout(others, stretch=1)
        p.box.addLayout(side)
        p.box.addStretch(1)
    else:
        p.box.addLayout(grid)
        p.box.addStretch(1)
        p.box.addLayout(others)
    row = QHBoxLayout()  # the pages' arrows (elderly mode) flank the modes
    row.setSpacing(theme.px(20))
    arrows = [action(theme, text, lambda _=False, n=(page + step) % pages: on_page(n),
                     primary=True) for step, text in ((-1, "◀"), (1, "▶"))] if pages > 1 else []
    modes = []
    for key, on_click, name in (("elderly_off" if theme.elderly else "elderly", on_elderly, "elderly"),
                                ("language", on_language, "language")):
        b = action(theme, t(key, lang), on_click)
        b.setObjectName(name)
        modes.append(b)
    for b in arrows[:1] + modes + arrows[1:]:
        row.addWidget(b, stretch=1 if b in arrows else 2)
    p.box.addLayout(row)
    return p


def pager(theme: Theme, lang: str, page: int, pages: int, on_page) -> QHBoxLayout | None:
    """◀ page n of m ▶ under a list longer than a screen (paging, not scrolling: a button
    is easier to find than a gesture)."""
    if pages <= 1:
        return None
    row = QHBoxLayout()
    row.addWidget(action(theme, "◀", lambda: on_page((page - 1) % pages), primary=True), stretch=1)
    where = label(theme, t("page_of", lang, n=page + 1, of=pages))
    where.setObjectName("page")
    row.addWidget(where, stretch=2)
    row.addWidget(action(theme, "▶", lambda: on_page((page + 1) % pages), primary=True), stretch=1)
    return row


def id_page(theme: Theme, lang: str, service: str, ask_id: str, typed: str, problem: str, *,
            typing: bool, on_typed, on_ok, on_skip, on_back, on_type) -> Page:
    """Place the ID card, or type the number (in elderly mode only on request)."""
    p = Page(theme, "id")
    p.box.addWidget(label(theme, service, theme.title, bold=True))
    p.box.addWidget(label(theme, t("id_title", lang), theme.title, fg=PRIMARY, bold=True))
    if typing:
        p.box.addWidget(label(theme, t("id_or_type", lang)))
        shown = label(theme, masked_typing(typed), theme.title, bold=True, fg=INK, bg=CALM)
        shown.setObjectName("typed")
        p.box.addWidget(shown)
        keypad = Keypad(theme, 18, delete=t("delete", lang), clear=t("clear", lang))
        keypad.text = typed
        keypad.typed.connect(on_typed)
        p.box.addWidget(keypad, stretch=1)
    else:
        p.box.addWidget(label(theme, t("hold_still", lang), theme.title))
        p.box.addStretch(1)
        p.box.addWidget(action(theme, t("id_type_only", lang), on_type))
    add_problem(p, theme, problem)
    row = QHBoxLayout()
    row.addWidget(action(theme, t("back", lang), on_back))
    if ask_id == "optional":
        row.addWidget(action(theme, t("id_skip", lang), on_skip))
    if typing:
        ok = action(theme, t("ok", lang), on_ok, primary=True)
        ok.setObjectName("ok")
        row.addWidget(ok)
    p.box.addLayout(row)
    return p


def checkin_page(theme: Theme, lang: str, typed: str, problem: str, *, typing: bool, on_typed,
                 on_ok, on_back, on_type) -> Page:
    """An appointment: its QR scanned, the ID card it was booked with, or its code typed."""
    p = Page(theme, "checkin")
    wide = theme.width > theme.height
    if not (wide and typing):  # a wide screen typing needs the height for its keys
        p.box.addWidget(label(theme, t("appointment", lang), theme.title, bold=True))
    p.box.addWidget(label(theme, t("checkin_title", lang), theme.title, fg=PRIMARY, bold=True))
    if typing:
        shown = label(theme, typed or "—", theme.title, bold=True, fg=INK, bg=CALM)
        shown.setObjectName("typed")
        p.box.addWidget(shown)
        keypad = Keypad(theme, 32, keys=CODE_KEYS, columns=10 if wide else 6 if theme.elderly else 7,
                        delete=t("delete", lang), clear=t("clear", lang))
        keypad.text = typed
        keypad.typed.connect(on_typed)
        p.box.addWidget(keypad, stretch=1)
    else:
        p.box.addStretch(1)
    add_problem(p, theme, problem)
    row = QHBoxLayout()
    row.addWidget(action(theme, t("back", lang), on_back))
    if typing:
        ok = action(theme, t("ok", lang), on_ok, primary=True)
        ok.setObjectName("ok")
        row.addWidget(ok)
    else:
        row.addWidget(action(theme, t("checkin_type", lang), on_type))
    p.box.addLayout(row)
    return p


def entry_page(theme: Theme, lang: str, name: str, title: str, typed: str, problem: str, *, keys,
               max_len: int, masked: bool = False, above: str = "", on_typed, on_ok, on_back) -> Page:
    """One thing to type on large keys (a PIN, a phone's digits, a pickup code, a case
    number): ``above`` it what it is for, shown as typed (a PIN as dots), OK and Back."""
    p = Page(theme, name)
    if above:
        p.box.addWidget(label(theme, above))
    p.box.addWidget(label(theme, title, theme.title, fg=PRIMARY, bold=True))
    shown = label(theme, ("●" * len(typed) if masked else typed) or "—", theme.title, bold=True, fg=INK,
                  bg=CALM)
    shown.setObjectName("typed")
    p.box.addWidget(shown)
    wide = theme.width > theme.height
    columns = (10 if wide else 6 if theme.elderly else 7) if len(keys) > 12 else (6 if wide else 3)
    keypad = Keypad(theme, max_len, keys=keys, columns=columns, delete=t("delete", lang),
                    clear=t("clear", lang))
    keypad.text = typed
    keypad.typed.connect(on_typed)
    p.box.addWidget(keypad, stretch=1)
    add_problem(p, theme, problem)
    row = QHBoxLayout()
    row.addWidget(action(theme, t("back", lang), on_back))
    ok = action(theme, t("ok", lang), on_ok, primary=True)
    ok.setObjectName("ok")
    row.addWidget(ok)
    p.box.addLayout(row)
    return p


def maintenance_page(theme: Theme, lang: str, devices: list[tuple[str, str]], note: str, *,
                     on_test_print, on_exit, on_back) -> Page:
    """Device status, a test page, the last card or code read, and the way out."""
    p = Page(theme, "maintenance")
    p.box.addWidget(label(theme, t("maintenance", lang), theme.title, bold=True))
    for what, state in devices:
        p.box.addWidget(label(theme, t("device_state", lang, what=t(what, lang), state=t(state, lang)),
                              fg=INK, bg=CALM))
    if note:
        said = label(theme, note)
        said.setObjectName("note")
        p.box.addWidget(said)
    p.box.addStretch(1)
    test = action(theme, t("test_print", lang), on_test_print)
    test.setObjectName("test-print")
    p.box.addWidget(test)
    leave = action(theme, t("exit", lang), on_exit)
    leave.setObjectName("exit")
    p.box.addWidget(leave)
    p.box.addWidget(action(theme, t("home", lang), on_back, primary=True))
    return p


def busy_page(theme: Theme, lang: str, slow: bool) -> Page:
    p = Page(theme, "busy")
    p.box.addStretch(1)
    p.box.addWidget(label(theme, t("slow" if slow else "issuing", lang), theme.title, bold=True))
    p.box.addStretch(1)
    return p


def ticket_page(theme: Theme, lang: str, ticket: dict, qr: str, printing: str, trouble: bool, *,
                on_home) -> Page:
    """The number large, people ahead and the wait, the QR, and how printing went."""
    p = Page(theme, "ticket")
    landscape = theme.width > theme.height
    number_side, qr_side = QVBoxLayout(), QVBoxLayout()  # side by side on a wide screen
    number_side.addWidget(label(theme, ticket["service_name_zh" if lang == "zh" else
                                       "service_name_en"], theme.title, bold=True))
    number_side.addWidget(label(theme, t("your_number", lang)))
    number = label(theme, ticket["number"], theme.number, bold=True, fg=PRIMARY, wrap=False)
    number.setObjectName("number")
    number_side.addWidget(number)
    ahead = ticket["ahead"]
    number_side.addWidget(label(theme, t("ahead", lang, n=ahead) if ahead else
                                t("ahead_none", lang), theme.title))
    wait = ticket.get("est_wait_s")
    if wait is None or wait:
        number_side.addWidget(label(theme, t("est_wait", lang, m=max(1, round(wait / 60)))
                                    if wait else t("no_estimate", lang)))
    code = QLabel()
    code.setPixmap(qr_pixmap(qr, theme.px(260 if landscape else 300)))
    code.setAlignment(Qt.AlignmentFlag.AlignCenter)
    code.setObjectName("qr")
    qr_side.addStretch(1)
    qr_side.addWidget(code)
    qr_side.addWidget(label(theme, t("photo_qr", lang)))
    qr_side.addStretch(1)
    status = label(theme, printing, theme.title if len(printing) <= 24 else theme.px(32), bold=True,
                   fg=ALERT if trouble else INK, bg=ALERT_BG if trouble else CALM)
    status.setObjectName("printing")
    if landscape:  # the number on the left; the QR and the printer's word on the right
        qr_side.addWidget(status)
        row = QHBoxLayout()
        row.addLayout(number_side, stretch=3)
        row.addLayout(qr_side, stretch=2)
        p.box.addLayout(row)
    else:
        p.box.addLayout(number_side)
        p.box.addLayout(qr_side)
        p.box.addWidget(status)
    p.box.addStretch(1)
    p.box.addWidget(action(theme, t("home", lang), on_home, primary=True))
    return p


def message_page(theme: Theme, lang: str, sentence: str, *, on_back, on_home,
                 title: str = "refused_title") -> Page:
    """A refusal: one sentence that says what happened and what to do next."""
    p = Page(theme, "message")
    p.box.addStretch(1)
    p.box.addWidget(label(theme, t(title, lang), theme.title, bold=True, fg=ALERT))
    text = label(theme, sentence, theme.title, fg=INK, bg=ALERT_BG)
    text.setObjectName("sentence")
    p.box.addWidget(text)
    p.box.addStretch(1)
    row = QHBoxLayout()
    row.addWidget(action(theme, t("back", lang), on_back))
    row.addWidget(action(theme, t("home", lang), on_home, primary=True))
    p.box.addLayout(row)
    return p


def countdown_bar(theme: Theme, lang: str, seconds: int) -> QLabel:
    bar = label(theme, f"{t('idle_in', lang, s=seconds)} · {t('touch_to_stay', lang)}",
                theme.title, bold=True, fg=WHITE, bg=PRIMARY)
    bar.setObjectName("countdown")
    return bar
