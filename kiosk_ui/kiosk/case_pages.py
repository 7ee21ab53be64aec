"""The case lookup's screens (办件查询): how to look up, the phone's last 4 digits, and
what was found."""

from __future__ import annotations

from PyQt6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from hallkit.kiosk_ui.kiosk.pages import Page, action, add_problem, masked_typing
from hallkit.kiosk_ui.kiosk.texts import t
from hallkit.kiosk_ui.kiosk.theme import ALERT, ALERT_BG, CALM, INK, PRIMARY, WHITE, Theme, paint
from hallkit.kiosk_ui.kiosk.widgets import CASE_KEYS, LEFT, Keypad, label, scrolling

STATUS_FACE = {  # (text, background) of a case's status
    "ready": (WHITE, PRIMARY), "needs_more": (ALERT, ALERT_BG), "rejected": (ALERT, ALERT_BG),
}


def _typed_row(theme: Theme, p: Page, shown: str) -> None:
    typed = label(theme, shown or "—", theme.title, bold=True, fg=INK, bg=CALM)
    typed.setObjectName("typed")
    p.box.addWidget(typed)


def cases_page(theme: Theme, lang: str, mode: str, typed: str, problem: str, *, on_typed, on_ok,
               on_back, on_type_no, on_type_id) -> Page:
    """``mode``: 'ask' (scan the receipt or place the card), 'case_no' or 'id' (typing)."""
    p = Page(theme, "cases")
    wide = theme.width > theme.height
    if mode == "ask" or not wide:
        p.box.addWidget(label(theme, t("cases", lang), theme.title, bold=True))
    if mode == "ask":
        p.box.addWidget(label(theme, t("cases_how", lang), theme.title, fg=PRIMARY, bold=True))
        p.box.addWidget(label(theme, t("hold_still", lang)))
        p.box.addStretch(1)
    else:
        p.box.addWidget(label(theme, t("case_no" if mode == "case_no" else "id_type_only", lang),
                              fg=PRIMARY, bold=True))
        _typed_row(theme, p, typed if mode == "case_no" else masked_typing(typed))
        keypad = (Keypad(theme, 40, keys=CASE_KEYS, columns=10 if wide else 6 if theme.elderly else 7,
                         delete=t("delete", lang), clear=t("clear", lang)) if mode == "case_no" else
                  Keypad(theme, 18, delete=t("delete", lang), clear=t("clear", lang)))
        keypad.text = typed
        keypad.typed.connect(on_typed)
        p.box.addWidget(keypad, stretch=1)
    add_problem(p, theme, problem)
    row = QHBoxLayout()
    row.addWidget(action(theme, t("back", lang), on_back))
    if mode == "ask":
        for key, on_click, name in (("cases_type_no", on_type_no, "type-case-no"),
                                    ("cases_type_id", on_type_id, "type-id")):
            b = action(theme, t(key, lang), on_click)
            b.setObjectName(name)
            row.addWidget(b)
    else:
        ok = action(theme, t("ok", lang), on_ok, primary=True)
        ok.setObjectName("ok")
        row.addWidget(ok)
    p.box.addLayout(row)
    return p


def _case_panel(theme: Theme, lang: str, case: dict) -> QWidget:
    panel = QWidget()
    paint(panel, INK, CALM)
    box = QVBoxLayout(panel)
    pad = theme.px(24)
    box.setContentsMargins(pad, pad, pad, pad)
    box.setSpacing(theme.px(12))
    box.addWidget(label(theme, case["item"], theme.title, bold=True, bg=CALM))
    box.addWidget(label(theme, t("case_head", lang, name=case["applicant_masked"], no=case["case_no"]),
                        bg=CALM))
    fg, bg = STATUS_FACE.get(case["status"], (INK, WHITE))
    status = label(theme, t(f"st_{case['status']}", lang), theme.title, bold=True, fg=fg, bg=bg)
    status.setObjectName("status")
    box.addWidget(status)
    lines = []
    if case.get("stage"):
        lines.append(t("case_stage", lang, stage=case["stage"]))
    if case.get("next_step"):
        lines.append(t("case_next", lang, text=case["next_step"]))
    if case.get("to_bring"):
        lines.append(t("case_bring", lang, things="；".join(case["to_bring"])))
    if case.get("due_date") and case["status"] in ("accepted", "in_progress", "needs_more"):
        lines.append(t("case_due", lang, date=case["due_date"]))
    pickup = case.get("pickup")
    if pickup == "locker" and case["status"] in ("ready", "accepted", "in_progress", "needs_more"):
        locker = label(theme, t("pickup_locker_ready" if case["status"] == "ready" else
                                "pickup_locker_later", lang), bold=True, fg=WHITE, bg=PRIMARY)
        locker.setObjectName("locker")
        box.addWidget(locker)
    elif pickup == "window" and case["status"] == "ready" and case.get("pickup_place"):
        lines.append(t("pickup_window", lang, place=case["pickup_place"]))
    elif pickup == "post" and case.get("pickup_place"):
        lines.append(t("pickup_post", lang, place=case["pickup_place"]))
    for line in lines:
        box.addWidget(label(theme, line, bg=CALM, align=LEFT))
    return panel


def case_result_page(theme: Theme, lang: str, cases: list[dict], *, on_back, on_home) -> Page:
    """The cases found, newest first; several scroll."""
    p = Page(theme, "case-result")
    p.box.addWidget(label(theme, t("cases", lang) if len(cases) == 1 else
                          t("case_found", lang, n=len(cases)), theme.title, bold=True))
    content = QWidget()
    paint(content, INK, WHITE)
    column = QVBoxLayout(content)
    column.setContentsMargins(0, 0, theme.target // 2 + theme.px(8), 0)  # clear of the scroll bar
    column.setSpacing(theme.px(24))
    for case in cases:
        column.addWidget(_case_panel(theme, lang, case))
    column.addStretch(1)
    p.box.addWidget(scrolling(theme, content), stretch=1)
    row = QHBoxLayout()
    row.addWidget(action(theme, t("back", lang), on_back))
    row.addWidget(action(theme, t("home", lang), on_home, primary=True))
    p.box.addLayout(row)
    return p
