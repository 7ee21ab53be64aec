"""The kiosk's screens. Each is built afresh for what it shows (language, elderly mode,
the services' figures), so a screen never keeps the last citizen's data."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from hallkit.kiosk_ui.kiosk.texts import t
from hallkit.kiosk_ui.kiosk.theme import ALERT, ALERT_BG, CALM, INK, PRIMARY, WHITE, Theme, paint
from hallkit.kiosk_ui.kiosk.widgets import Keypad, button, label, qr_pixmap


@dataclass(frozen=True)
class ServiceButton:
    code: str
    name: str
    waiting: int
    wait_min: int | None  # None: no estimate
    available: bool       # tickets can be taken now


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
              *, page: int, on_service: Callable[[str], None], on_elderly, on_language,
              on_page) -> Page:
    """Services as big buttons with their waiting counts; elderly mode, language."""
    p = Page(theme, "home")
    p.box.addWidget(label(theme, hall_name, theme.title, bold=True))
    if notice:
        p.box.addWidget(label(theme, notice, fg=INK, bg=CALM))
    p.box.addWidget(label(theme, t("take_ticket", lang), theme.title))
    landscape = theme.width > theme.height
    columns = 1 if theme.elderly else (4 if landscape else 2)
    per_page = 4 if theme.elderly else len(services) or 1
    pages = max(1, math.ceil(len(services) / per_page))
    page = min(page, pages - 1)
    grid = QGridLayout()
    grid.setSpacing(theme.px(20))
    for i, svc in enumerate(services[page * per_page:(page + 1) * per_page]):
        if not svc.available:
            figure = t("closed_service", lang)
        else:
            wait = t("no_wait", lang) if svc.wait_min == 0 else (
                t("wait_min", lang, m=svc.wait_min) if svc.wait_min is not None else "")
            figure = "  ".join(filter(None, (t("waiting", lang, n=svc.waiting), wait)))
        b = button(theme, f"{svc.name}\n{figure}", lambda _=False, c=svc.code: on_service(c),
                   px=theme.px(34), min_height=theme.px(150))
        b.setObjectName(f"service-{svc.code}")
        grid.addWidget(b, i // columns, i % columns)
    p.box.addLayout(grid, stretch=1)
    if pages > 1:
        row = QHBoxLayout()
        for step, text in ((-1, "◀"), (1, "▶")):
            target = (page + step) % pages
            row.addWidget(button(theme, text, lambda _=False, n=target: on_page(n), px=theme.title))
        p.box.addLayout(row)
    row = QHBoxLayout()
    row.setSpacing(theme.px(20))
    for key, action, name in (("elderly_off" if theme.elderly else "elderly", on_elderly, "elderly"),
                              ("language", on_language, "language")):
        b = button(theme, t(key, lang), action, fg=INK, bg=CALM, px=theme.px(32))
        b.setObjectName(name)
        row.addWidget(b)
    p.box.addLayout(row)
    return p


def id_page(theme: Theme, lang: str, service: str, ask_id: str, typed: str, problem: str, *,
            typing: bool, on_typed, on_ok, on_skip, on_back, on_type) -> Page:
    """Place the ID card, or type the number (in elderly mode only on request)."""
    p = Page(theme, "id")
    p.box.addWidget(label(theme, service, theme.title, bold=True))
    p.box.addWidget(label(theme, t("id_title", lang), theme.title, fg=PRIMARY, bold=True))
    if typing:
        p.box.addWidget(label(theme, t("id_or_type", lang)))
        shown = label(theme, typed or "—", theme.title, bold=True, fg=INK, bg=CALM)
        shown.setObjectName("typed")
        p.box.addWidget(shown)
        keypad = Keypad(theme, 18, delete=t("delete", lang), clear=t("clear", lang))
        keypad.text = typed
        keypad.typed.connect(on_typed)
        p.box.addWidget(keypad, stretch=1)
    else:
        p.box.addStretch(1)
        p.box.addWidget(button(theme, t("id_type_only", lang), on_type, fg=INK, bg=CALM))
    if problem:
        said = label(theme, problem, fg=ALERT, bg=ALERT_BG, bold=True)
        said.setObjectName("problem")
        p.box.addWidget(said)
    row = QHBoxLayout()
    row.addWidget(button(theme, t("back", lang), on_back, fg=INK, bg=CALM))
    if ask_id == "optional":
        row.addWidget(button(theme, t("id_skip", lang), on_skip, fg=INK, bg=CALM))
    if typing:
        ok = button(theme, t("ok", lang), on_ok)
        ok.setObjectName("ok")
        row.addWidget(ok)
    p.box.addLayout(row)
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
    p.box.addWidget(label(theme, ticket["service_name_zh" if lang == "zh" else "service_name_en"],
                          theme.title, bold=True))
    p.box.addWidget(label(theme, t("your_number", lang)))
    number = label(theme, ticket["number"], theme.number, bold=True, fg=PRIMARY)
    number.setObjectName("number")
    p.box.addWidget(number)
    ahead = ticket["ahead"]
    p.box.addWidget(label(theme, t("ahead", lang, n=ahead) if ahead else t("ahead_none", lang),
                          theme.title))
    wait = ticket.get("est_wait_s")
    p.box.addWidget(label(theme, t("est_wait", lang, m=max(1, round(wait / 60))) if wait
                          else t("no_estimate", lang) if wait is None else ""))
    code = QLabel()
    code.setPixmap(qr_pixmap(qr, theme.px(300)))
    code.setAlignment(Qt.AlignmentFlag.AlignCenter)
    code.setObjectName("qr")
    p.box.addWidget(code)
    p.box.addWidget(label(theme, t("photo_qr", lang)))
    status = label(theme, printing, theme.title, bold=True, fg=ALERT if trouble else INK,
                   bg=ALERT_BG if trouble else CALM)
    status.setObjectName("printing")
    p.box.addWidget(status)
    p.box.addStretch(1)
    p.box.addWidget(button(theme, t("home", lang), on_home))
    return p


def message_page(theme: Theme, lang: str, sentence: str, *, on_back, on_home) -> Page:
    """A refusal: one sentence that says what happened and what to do next."""
    p = Page(theme, "message")
    p.box.addStretch(1)
    p.box.addWidget(label(theme, t("refused_title", lang), theme.title, bold=True, fg=ALERT))
    text = label(theme, sentence, theme.title, fg=INK, bg=ALERT_BG)
    text.setObjectName("sentence")
    p.box.addWidget(text)
    p.box.addStretch(1)
    row = QHBoxLayout()
    row.addWidget(button(theme, t("back", lang), on_back, fg=INK, bg=CALM))
    row.addWidget(button(theme, t("home", lang), on_home))
    p.box.addLayout(row)
    return p


def countdown_bar(theme: Theme, lang: str, seconds: int) -> QLabel:
    bar = label(theme, f"{t('idle_in', lang, s=seconds)} · {t('touch_to_stay', lang)}",
                theme.title, bold=True, fg=WHITE, bg=PRIMARY)
    bar.setObjectName("countdown")
    return bar
