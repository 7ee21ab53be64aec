"""The service guide's screens (办事指南): departments, a department's items or a search's
hits, the pinyin-initials search, and one item whole with the QR of its list."""

from __future__ import annotations

import math

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from hallkit.kiosk_ui.kiosk.pages import Page, action, pager
from hallkit.kiosk_ui.kiosk.texts import t
from hallkit.kiosk_ui.kiosk.theme import ALERT, ALERT_BG, CALM, INK, PRIMARY, WHITE, Theme, paint
from hallkit.kiosk_ui.kiosk.widgets import (
    LEFT,
    LETTER_KEYS,
    Keypad,
    button,
    label,
    qr_pixmap,
    scrolling,
    wrap_to,
)

WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
QR_MAX_BYTES = 700  # a denser code is hard to photograph off a screen


def name(entry: dict, lang: str) -> str:
    return entry["name_zh"] if lang == "zh" else entry.get("name_en") or entry["name_zh"]


def cell_width(theme: Theme, columns: int) -> int:
    """The text width of a button in a grid of ``columns`` across the page."""
    inner = theme.width - 2 * theme.px(40) - (columns - 1) * theme.px(20)
    return inner // columns - theme.px(32)


def _grid(theme: Theme, entries: list, per_page: int, columns: int, page: int, make) -> tuple:
    pages = max(1, math.ceil(len(entries) / per_page))
    page = min(page, pages - 1)
    grid = QGridLayout()
    grid.setSpacing(theme.px(20))
    for i, entry in enumerate(entries[page * per_page:(page + 1) * per_page]):
        grid.addWidget(make(entry), i // columns, i % columns)
    return grid, page, pages


def _foot(theme: Theme, lang: str, p: Page, on_back, on_home) -> None:
    row = QHBoxLayout()
    row.addWidget(action(theme, t("back", lang), on_back))
    row.addWidget(action(theme, t("home", lang), on_home, primary=True))
    p.box.addLayout(row)


def guide_home_page(theme: Theme, lang: str, departments: list[dict], page: int, *, on_department,
                    on_search, on_page, on_back, on_home) -> Page:
    p = Page(theme, "guide")
    p.box.addWidget(label(theme, t("guide", lang), theme.title, bold=True))
    search = button(theme, f"{t('guide_search', lang)}\n{t('guide_search_hint', lang)}", on_search,
                    fg=INK, bg=CALM)
    search.setObjectName("search")
    search.setMaximumHeight(theme.px(200))
    p.box.addWidget(search)
    landscape = theme.width > theme.height
    columns = 4 if landscape else 1 if theme.elderly else 2

    def make(dep: dict) -> QPushButton:
        text = wrap_to(name(dep, lang), theme.font(theme.body, True), cell_width(theme, columns))
        b = button(theme, f"{text}\n{t('guide_items', lang, n=dep['items'])}",
                   lambda _=False, c=dep["code"]: on_department(c), min_height=theme.px(150))
        b.setMaximumHeight(theme.px(220))
        b.setObjectName(f"department-{dep['code']}")
        return b

    grid, page, pages = _grid(theme, departments, 4 if theme.elderly else 8, columns, page, make)
    p.box.addLayout(grid)
    p.box.addStretch(1)
    arrows = pager(theme, lang, page, pages, on_page)
    if arrows:
        p.box.addLayout(arrows)
    _foot(theme, lang, p, on_back, on_home)
    return p


def guide_list_page(theme: Theme, lang: str, title: str, hits: list[dict], page: int, *, on_item,
                    on_page, on_back, on_home) -> Page:
    """A department's items (or what a search found), a page at a time."""
    p = Page(theme, "guide-list")
    p.box.addWidget(label(theme, title, theme.title, bold=True))
    landscape = theme.width > theme.height
    per_page = (4 if theme.elderly else 8) if landscape else (5 if theme.elderly else 8)
    columns = 2 if landscape else 1
    grid, page, pages = _grid(theme, hits, per_page, columns, page,
                              lambda hit: _item_button(theme, lang, hit, on_item, cell_width(theme, columns)))
    p.box.addLayout(grid)
    p.box.addStretch(1)
    arrows = pager(theme, lang, page, pages, on_page)
    if arrows:
        p.box.addLayout(arrows)
    _foot(theme, lang, p, on_back, on_home)
    return p


def _item_button(theme: Theme, lang: str, hit: dict, on_item, width: int) -> QPushButton:
    text = wrap_to(name(hit, lang), theme.font(theme.body, True), width)
    b = button(theme, text, lambda _=False, i=hit["id"]: on_item(i), fg=INK, bg=CALM,
               min_height=theme.px(100))
    b.setMaximumHeight(max(b.minimumHeight(), theme.px(150)))
    b.setObjectName(f"item-{hit['id']}")
    return b


def guide_search_page(theme: Theme, lang: str, typed: str, *, on_typed, on_back, on_home) -> Page:
    """Letters on the left (or on top), what they find beside (or under) them, as typed:
    ``fill_hits`` puts each answer in without rebuilding the keys under a finger."""
    p = Page(theme, "guide-search")
    landscape = theme.width > theme.height
    p.box.addWidget(label(theme, t("guide_search", lang), theme.title, bold=True))
    shown = label(theme, typed.lower() or "—", theme.title, bold=True, fg=INK, bg=CALM)
    shown.setObjectName("typed")
    keys = Keypad(theme, 12, keys=LETTER_KEYS, columns=7 if landscape or theme.elderly else 9,
                  delete=t("delete", lang), clear=t("clear", lang))
    keys.text = typed
    keys.typed.connect(on_typed)
    hits = QWidget()
    hits.setObjectName("hits")
    QVBoxLayout(hits).setContentsMargins(0, 0, 0, 0)
    if landscape:
        row = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(shown)
        left.addWidget(keys, stretch=1)
        row.addLayout(left, stretch=3)
        row.addWidget(hits, stretch=2)
        p.box.addLayout(row, stretch=1)
    else:
        p.box.addWidget(shown)
        p.box.addWidget(keys)
        p.box.addWidget(hits, stretch=1)
    _foot(theme, lang, p, on_back, on_home)
    return p


def fill_hits(page: QWidget, theme: Theme, lang: str, typed: str, hits: list[dict], total: int,
              on_item, problem: str = "") -> None:
    """The search page's hits: as many as fit, then how many more there are; or ``problem``."""
    pane = page.findChild(QWidget, "hits") if page is not None else None
    if pane is None:
        return
    box = pane.layout()
    while box.count():
        old = box.takeAt(0).widget()
        if old is not None:
            old.deleteLater()
    if problem:
        said = label(theme, problem, fg=ALERT, bg=ALERT_BG, bold=True)
        said.setObjectName("problem")
        box.addWidget(said)
    elif not typed:
        box.addWidget(label(theme, t("guide_search_hint", lang)))
    elif not hits:
        none = label(theme, t("guide_none", lang))
        none.setObjectName("none")
        box.addWidget(none)
    else:
        landscape = theme.width > theme.height
        room = (4 if theme.elderly else 5) if landscape else (3 if theme.elderly else 5)
        width = (pane.width() or theme.width // (3 if landscape else 1)) - theme.px(32)
        for hit in hits[:room]:
            box.addWidget(_item_button(theme, lang, hit, on_item, width))
        if total > room:
            box.addWidget(label(theme, t("guide_found", lang, n=total)))
    box.addStretch(1)


def _days(days: list[str], lang: str) -> str:
    if len(days) == 7:
        return t("every_day", lang)
    if len(days) > 2 and WEEK.index(days[-1]) - WEEK.index(days[0]) == len(days) - 1:
        return t("days_range", lang, a=t(f"wd_{days[0]}", lang), b=t(f"wd_{days[-1]}", lang))
    return "、".join(t(f"wd_{d}", lang) for d in days) if lang == "zh" else \
        ", ".join(t(f"wd_{d}", lang) for d in days)


def hours_lines(hours: list[dict], lang: str) -> list[str]:
    return [f"{_days(h['days'], lang)} {' '.join(h['hours']) or t('closed_day', lang)}" for h in hours]


def material_lines(item: dict, lang: str) -> list[str]:
    out = []
    for i, m in enumerate(item.get("materials", []), start=1):
        what = m["name_zh"] if lang == "zh" else m.get("name_en") or m["name_zh"]
        form = t(f"form_{m.get('form', 'original')}", lang)
        copies = m.get("copies", 1)
        extra = [form] + ([t("copies", lang, n=copies)] if copies > 1 else [])
        if not m.get("required", True):
            extra.append(t("if_applicable", lang))
        line = f"{i}. {what}（{'，'.join(extra)}）" if lang == "zh" else f"{i}. {what} ({', '.join(extra)})"
        if m.get("note_zh") and lang == "zh":
            line += f"：{m['note_zh']}"
        out.append(line)
    return out


def time_line(item: dict, lang: str) -> str:
    parts = []
    if item.get("legal_days") is not None:
        parts.append(t("legal_days", lang, n=item["legal_days"]))
    promised = item.get("promised_days")
    if promised is not None:
        parts.append(t("on_the_spot", lang) if promised == 0 else t("promised_days", lang, n=promised))
    return "，".join(parts) if lang == "zh" else "; ".join(parts)


def list_text(detail: dict, lang: str) -> str:
    """What the QR holds: the item's list to take home, as plain text (a phone shows it with
    no network), cut to what a QR on a screen can carry."""
    item = detail["item"]
    head = [name(item, lang), f"{t('materials', lang)}:"]
    tail = [f"{t('fee', lang)}: {item['fee_zh'] if lang == 'zh' else item.get('fee_en') or item['fee_zh']}"]
    if time_line(item, lang):
        tail.append(f"{t('time_limit', lang)}: {time_line(item, lang)}")
    if detail.get("windows"):
        tail.append(f"{t('windows', lang)}: " + " ".join(
            w["label_zh"] if lang == "zh" else w["label_en"] for w in detail["windows"]))
    if item.get("online_url"):
        tail.append(item["online_url"])
    lines = material_lines(item, lang)
    while lines and len("\n".join(head + lines + tail).encode()) > QR_MAX_BYTES:
        lines.pop()
    return "\n".join(head + lines + tail)


def _section(theme: Theme, box: QVBoxLayout, title: str, lines: list[str]) -> None:
    if not lines:
        return
    box.addWidget(label(theme, title, bold=True, fg=PRIMARY, align=LEFT))
    for line in lines:
        box.addWidget(label(theme, line, align=LEFT))


def guide_item_page(theme: Theme, lang: str, detail: dict, *, on_back, on_home, on_ticket) -> Page:
    """One item: materials, fees, time limits, windows, hours and the online way, scrolling;
    the QR of the list beside it. ``on_ticket``: None when no service takes tickets for it."""
    item = detail["item"]
    p = Page(theme, "guide-item")
    p.box.addWidget(label(theme, name(item, lang), theme.title, bold=True))
    dep = detail["department"]
    p.box.addWidget(label(theme, dep["name_zh"] if lang == "zh" else dep["name_en"]))
    content = QWidget()
    paint(content, INK, WHITE)
    box = QVBoxLayout(content)
    box.setContentsMargins(0, 0, theme.target // 2 + theme.px(8), 0)
    box.setSpacing(theme.px(10))
    zh = lang == "zh"  # the free texts of a guide are written in Chinese only
    windows = " ".join(w["label_zh"] if zh else w["label_en"] for w in detail["windows"])
    sections = (("conditions", [item.get("conditions_zh") if zh else None]),
                ("materials", material_lines(item, lang)),
                ("fee", [item["fee_zh"] if zh else item.get("fee_en") or item["fee_zh"]]),
                ("time_limit", [time_line(item, lang)]),
                ("windows", [windows]),
                ("hours", hours_lines(detail["hours"], lang)),
                ("online", [item.get("online_zh") if zh else None, item.get("online_url")]),
                ("notes", [item.get("notes_zh") if zh else None]))
    for key, lines in sections:
        _section(theme, box, t(key, lang), [line for line in lines if line])
    box.addStretch(1)
    code = QLabel()
    landscape = theme.width > theme.height
    code.setPixmap(qr_pixmap(list_text(detail, lang), theme.px(340 if landscape else 320)))
    code.setAlignment(Qt.AlignmentFlag.AlignCenter)
    code.setObjectName("qr")
    take = QVBoxLayout()
    take.addWidget(code)
    take.addWidget(label(theme, t("qr_list", lang)))
    if landscape:
        row = QHBoxLayout()
        row.addWidget(scrolling(theme, content), stretch=3)
        take.addStretch(1)
        row.addLayout(take, stretch=1)
        p.box.addLayout(row, stretch=1)
    else:
        p.box.addWidget(scrolling(theme, content), stretch=1)
        p.box.addLayout(take)
    row = QHBoxLayout()
    row.addWidget(action(theme, t("back", lang), on_back))
    if on_ticket is not None:
        ticket = action(theme, t("take_ticket_for", lang), on_ticket)
        ticket.setObjectName("take-ticket")
        row.addWidget(ticket)
    row.addWidget(action(theme, t("home", lang), on_home, primary=True))
    p.box.addLayout(row)
    return p
