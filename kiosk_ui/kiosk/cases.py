"""The kiosk's case lookup (办件查询): the receipt's barcode scanned or its number typed, or
the ID card (or its number typed) with the phone's last 4 digits; the cases daemon
answers, and counts what finds nothing against this kiosk."""

from __future__ import annotations

import re
import time

from hallkit.daemons.cases.records import CASE_NO as CASE_NO_PATTERN
from hallkit.idnumbers import valid_id_number
from hallkit.kiosk_ui.kiosk import case_pages, pages
from hallkit.kiosk_ui.kiosk.texts import t
from hallkit.kiosk_ui.kiosk.widgets import DIGIT_KEYS
from hallkit.privacy import mask_id

CASE_NO = re.compile(CASE_NO_PATTERN)


def case_number(scanned: str) -> str | None:
    """The case number in a receipt's barcode or QR: the text itself, a link's ``no=`` or
    ``case=`` parameter, or a link's last part."""
    text = scanned.strip()
    if CASE_NO.match(text):
        return text.upper()
    match = re.search(r"[?&](?:no|case|case_no|bjbh)=([0-9A-Za-z-]{4,40})(?:&|$)", text)
    if match:
        return match[1].upper()
    last = re.split(r"[/:=]", text.rstrip("/"))[-1]
    return last.upper() if CASE_NO.match(last) else None


class CaseScreens:
    """Part of KioskWindow (which provides screen, typed, problem, card_id, id_since, pending,
    case_mode, case_asked, case_cases, lang, theme, _put, _send, show_message, go_home,
    go_home_keep_mode)."""

    def show_cases(self, mode: str | None = None) -> None:
        if self.pending is not None:
            return
        if self.screen not in ("cases", "phone", "case-result"):
            self.id_since = time.time()  # a card or scan counts from here on
        if mode is not None and mode != self.case_mode:
            self.case_mode, self.typed, self.problem = mode, "", ""
        if self.case_mode == "ask":
            self.card_id = None  # back from the phone's digits: the card is read again
        self.screen = "cases"
        self._put(case_pages.cases_page(
            self.theme, self.lang, self.case_mode, self.typed, self.problem, on_typed=self._typed,
            on_ok=self._case_ok, on_back=self._case_back, on_type_no=lambda: self.show_cases("case_no"),
            on_type_id=lambda: self.show_cases("id")))
        if self.case_mode == "ask":
            self.voice("cases")

    def _case_back(self) -> None:
        if self.case_mode == "ask":
            self.go_home_keep_mode()
        else:
            self.show_cases("ask")

    def _case_ok(self) -> None:
        if self.pending is not None:
            return
        if self.case_mode == "case_no":
            if CASE_NO.match(self.typed):
                self._lookup({"case_no": self.typed})
            else:
                self.problem = t("case_bad_no", self.lang)
                self.show_cases()
        elif valid_id_number(self.typed):
            self.card_id = self.typed
            self.show_phone()
        else:
            self.problem = t("id_bad", self.lang)
            self.show_cases()

    def show_phone(self, problem: str = "") -> None:
        self.screen, self.typed, self.problem = "phone", "", problem
        self._put(pages.entry_page(
            self.theme, self.lang, "phone", t("phone_title", self.lang), self.typed, self.problem,
            keys=DIGIT_KEYS, max_len=4, above=t("phone_for", self.lang, id=mask_id(self.card_id or "")),
            on_typed=self._typed, on_ok=self._phone_ok, on_back=lambda: self.show_cases("ask")))
        self.voice("phone")

    def _phone_ok(self) -> None:
        if len(self.typed) == 4 and self.card_id:
            self._lookup({"id_number": self.card_id, "phone_last4": self.typed})

    def _lookup(self, data: dict) -> None:
        if self.pending is not None:  # a second tap before the first is answered
            return
        self.case_asked = data
        self._send("case-lookup", data, daemon="cases")

    def case_device_event(self, name: str, data) -> None:
        """A card or a scan while the lookup's first screen shows."""
        if name == "card":
            self.card_id = data.id_number
            self.show_phone()
        elif name == "scan":
            number = case_number(data.code)
            if number:
                self._lookup({"case_no": number})
            else:
                self.problem = t("case_bad_no", self.lang)
                self.show_cases()
        elif name == "card-refused":
            self.problem = data.zh if self.lang == "zh" else data.en
            self.show_cases()

    def case_answer(self, reply) -> None:
        asked, self.case_asked = self.case_asked or {}, None
        answer = None if isinstance(reply, str) or reply.status != "ok" else reply.data
        if answer is None:
            self.show_message(t("lookup_down", self.lang), back_to="cases", title="lookup_failed")
        elif answer["outcome"] == "found":
            self.case_cases = answer["cases"]
            self.show_case_result()
        elif answer["outcome"] == "locked":
            self.show_message(t("case_locked", self.lang, m=max(1, round(answer["locked_s"] / 60))),
                              title="lookup_failed")
        elif "id_number" in asked:  # the same card, another try at the phone's digits
            self.card_id = asked["id_number"]
            self.show_phone(t("case_not_found_person", self.lang, n=answer["tries_left"]))
        else:
            self.problem = t("case_not_found", self.lang, n=answer["tries_left"])
            self.show_cases()

    def show_case_result(self) -> None:
        self.screen = "case-result"
        self._put(case_pages.case_result_page(self.theme, self.lang, self.case_cases,
                                              on_back=lambda: self.show_cases("ask"),
                                              on_home=self.go_home))
