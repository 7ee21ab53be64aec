"""The document locker's screens (24小时自助柜): its three ways in, a keypad entry for each
thing asked (pickup code, ID digits, staff number and PIN, case number, phone), the
sizes to choose from, and the door's word in large type."""

from __future__ import annotations

from PyQt6.QtWidgets import QGridLayout, QHBoxLayout

from hallkit.kiosk_ui.kiosk.pages import Page, action
from hallkit.kiosk_ui.kiosk.texts import t
from hallkit.kiosk_ui.kiosk.theme import ALERT, ALERT_BG, CALM, INK, PRIMARY, WHITE, Theme
from hallkit.kiosk_ui.kiosk.widgets import button, label

SIZES = ("S", "M", "L", "XL")


def locker_page(theme: Theme, lang: str, *, on_pickup, on_dropoff, on_staff, on_back) -> Page:
    p = Page(theme, "locker")
    p.box.addWidget(label(theme, t("locker", lang), theme.title, bold=True))
    for key, on_click in (("locker_pickup", on_pickup), ("locker_dropoff", on_dropoff),
                          ("locker_staff", on_staff)):
        first = key == "locker_pickup"  # what most come for
        b = button(theme, t(key, lang), on_click, px=theme.px(40), min_height=theme.px(170),
                   fg=WHITE if first else INK, bg=PRIMARY if first else CALM)
        b.setMaximumHeight(theme.px(230))
        b.setObjectName(key)
        p.box.addWidget(b)
    p.box.addStretch(1)
    p.box.addWidget(action(theme, t("back", lang), on_back))
    return p


def size_page(theme: Theme, lang: str, free: dict[str, int], what: str, *, on_size, on_back) -> Page:
    """``what``: the case and the phone typed, for staff to check before a door opens."""
    p = Page(theme, "locker-size")
    p.box.addWidget(label(theme, t("deposit_size", lang), theme.title, fg=PRIMARY, bold=True))
    shown = label(theme, what, theme.body)
    shown.setObjectName("deposit-what")
    p.box.addWidget(shown)
    grid = QGridLayout()
    grid.setSpacing(theme.px(20))
    for i, size in enumerate(s for s in SIZES if s in free):
        b = button(theme, f"{t(f'size_{size}', lang)} ({size})\n{t('free_n', lang, n=free[size])}",
                   lambda _=False, z=size: on_size(z), min_height=theme.px(170))
        b.setEnabled(free[size] > 0)
        b.setObjectName(f"size-{size}")
        grid.addWidget(b, i // 2, i % 2)
    p.box.addLayout(grid)
    p.box.addStretch(1)
    p.box.addWidget(action(theme, t("back", lang), on_back))
    return p


def staff_page(theme: Theme, lang: str, due: list[tuple[str, int, str]], *, on_deposit, on_collect,
               on_back) -> Page:
    """After a staff login: deposit a case, or take out what waits for staff (``due``:
    locker, number, why: a citizen's drop-off or an overdue item)."""
    p = Page(theme, "locker-staff")
    p.box.addWidget(label(theme, t("staff_menu", lang), theme.title, fg=PRIMARY, bold=True))
    go = button(theme, t("staff_deposit", lang), on_deposit, px=theme.px(40), min_height=theme.px(150),
                fg=WHITE, bg=PRIMARY)
    go.setObjectName("staff-deposit")
    p.box.addWidget(go)
    p.box.addWidget(label(theme, t("staff_due" if due else "staff_none_due", lang), theme.body))
    grid = QGridLayout()
    grid.setSpacing(theme.px(16))
    for i, (locker, number, why) in enumerate(due[:12]):  # a cabinet's worth: the rest next time
        b = button(theme, t(f"due_{why}", lang, number=number),
                   lambda _=False, lk=locker, n=number: on_collect(lk, n), min_height=theme.px(110),
                   fg=INK, bg=CALM)
        b.setObjectName(f"collect-{locker}-{number}")
        grid.addWidget(b, i // 3, i % 3)
    p.box.addLayout(grid)
    p.box.addStretch(1)
    p.box.addWidget(action(theme, t("back", lang), on_back))
    return p


def dropoff_page(theme: Theme, lang: str, *, on_open, on_back) -> Page:
    p = Page(theme, "locker-dropoff")
    p.box.addWidget(label(theme, t("locker_dropoff", lang), theme.title, bold=True))
    p.box.addWidget(label(theme, t("dropoff_how", lang), theme.title, fg=PRIMARY))
    p.box.addStretch(1)
    row = QHBoxLayout()
    row.addWidget(action(theme, t("back", lang), on_back))
    go = action(theme, t("open_door", lang), on_open, primary=True)
    go.setObjectName("open-door")
    row.addWidget(go)
    p.box.addLayout(row)
    return p


def door_page(theme: Theme, lang: str, sentence: str, alert: bool, *, on_home, on_more=None) -> Page:
    """What the door is doing, large: opening, open (take or put, then shut it), done.
    ``on_more``: staff, done with one compartment, go on to the next."""
    p = Page(theme, "locker-door")
    p.box.addStretch(1)
    said = label(theme, sentence, theme.px(56), bold=True, fg=ALERT if alert else INK,
                 bg=ALERT_BG if alert else CALM)
    said.setObjectName("door")
    said.setMargin(theme.px(32))  # the words off the band's edges
    p.box.addWidget(said)
    p.box.addStretch(1)
    if on_more is not None:
        more = action(theme, t("staff_more", lang), on_more, primary=True)
        more.setObjectName("staff-more")
        p.box.addWidget(more)
    p.box.addWidget(action(theme, t("home", lang), on_home, primary=on_more is None))
    return p
