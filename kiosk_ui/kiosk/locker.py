"""The kiosk's document locker: collect with the SMS code (typed or its QR scanned), leave
papers after hours, and staff deposits behind a staff login. The locker daemon opens the
doors; what they do comes back as events addressed to this kiosk and is said large."""

from __future__ import annotations

import re
import time

from PyQt6.QtWidgets import QWidget

from hallkit.kiosk_ui.kiosk import locker_pages, pages
from hallkit.kiosk_ui.kiosk.texts import t
from hallkit.kiosk_ui.kiosk.widgets import CASE_KEYS, DIGIT_KEYS, ID_KEYS

CODE = re.compile(r"^[0-9]{6,10}$")
PHONE = re.compile(r"^1[3-9][0-9]{9}$")
# step → (title, keys, longest, masked)
STEPS = {
    "code": ("pickup_title", DIGIT_KEYS, 10, False),
    "id4": ("pickup_id4", ID_KEYS, 4, False),
    "staff_no": ("staff_login", DIGIT_KEYS, 16, False),
    "staff_pin": ("staff_pin", DIGIT_KEYS, 6, True),
    "case": ("deposit_case", CASE_KEYS, 40, False),
    "phone": ("deposit_phone", DIGIT_KEYS, 11, False),
    "dep_id4": ("deposit_id4", ID_KEYS, 4, False),
}
STAFF_STEPS = ("case", "phone", "dep_id4")  # behind a staff login: Back goes to the staff menu
DONE_SHOWN_MS = 15000
LOCKER_ACTIONS = ("pickup", "dropoff", "staff-login", "deposit", "collect")  # answered by locker_answer


def scanned_code(text: str) -> str | None:
    """A pickup code in a scanned QR: the digits themselves, or a link's ``code=`` parameter."""
    text = text.strip()
    if CODE.match(text):
        return text
    match = re.search(r"[?&]code=([0-9]{6,10})(?:&|$)", text)
    return match[1] if match else None


class LockerScreens:
    """Part of KioskWindow (which provides screen, typed, problem, pending, lang, theme, the
    locker_* choices, locker_state, _put, _send, show_message, go_home, go_home_keep_mode)."""

    def show_locker(self) -> None:
        """The locker's first page: whoever stands here now is a citizen (a staff login is
        forgotten on the way here)."""
        if self.pending is not None:
            return
        self.screen, self.locker_form, self.locker_session = "locker", {}, None
        self._put(locker_pages.locker_page(
            self.theme, self.lang, on_pickup=lambda: self.locker_entry("code"),
            on_dropoff=self._show_dropoff, on_staff=lambda: self.locker_entry("staff_no"),
            on_back=self.go_home_keep_mode))

    def locker_entry(self, step: str, problem: str = "") -> None:
        if self.pending is not None:
            return
        title, keys, longest, masked = STEPS[step]
        if (self.screen, self.locker_step) != ("locker-entry", step):
            self.id_since = time.time()  # a scan (the code's QR, the case's barcode) counts from here on
        self.screen, self.locker_step, self.typed, self.problem = "locker-entry", step, "", problem
        self._put(pages.entry_page(
            self.theme, self.lang, "locker-entry", t(title, self.lang), "", problem, keys=keys,
            max_len=longest, masked=masked, on_typed=self._locker_typed, on_ok=self._locker_ok,
            on_back=self.show_staff if step in STAFF_STEPS else self.show_locker))

    def _locker_typed(self, text: str) -> None:
        self.typed, self.problem = text, ""
        shown = self.stack.currentWidget().findChild(QWidget, "typed")
        if shown is not None:
            shown.setText(("●" * len(text) if STEPS[self.locker_step][3] else text) or "—")

    def _locker_ok(self) -> None:
        step, typed, form = self.locker_step, self.typed, self.locker_form
        if step == "code" and CODE.match(typed):
            form["code"] = typed
            if self.locker_state is not None and self.locker_state.ask_id_last4:
                self.locker_entry("id4")
            else:
                self._pickup()
        elif step == "id4" and re.fullmatch(r"[0-9]{3}[0-9X]", typed):
            form["id_last4"] = typed
            self._pickup()
        elif step == "staff_no" and typed:
            form["clerk"] = typed
            self.locker_entry("staff_pin")
        elif step == "staff_pin" and len(typed) >= 4:
            self._send("staff-login", {"clerk": form["clerk"], "pin": typed}, daemon="locker")
        elif step == "case" and re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z-]{3,39}", typed):
            form["case_no"] = typed
            self.locker_entry("phone")
        elif step == "phone" and PHONE.match(typed):
            form["phone"] = typed
            if self.locker_state is not None and self.locker_state.ask_id_last4:
                self.locker_entry("dep_id4")  # what the citizen will be asked for with the code
            else:
                self._show_sizes()
        elif step == "dep_id4" and re.fullmatch(r"[0-9]{3}[0-9X]", typed):
            form["id_last4"] = typed
            self._show_sizes()
        elif step == "phone":
            self.locker_entry("phone", t("phone_bad", self.lang))

    def show_staff(self) -> None:
        """A staff login's menu: deposit, or take out drop-offs and overdue items."""
        if self.locker_session is None:
            self.show_locker()
            return
        due = [(lk.id, c.number, "dropoff" if c.state == "dropoff" else "overdue")
               for lk in (self.locker_state.lockers if self.locker_state else [])
               for c in lk.compartments if c.state == "dropoff" or (c.overdue and c.state == "occupied")]
        self.screen = "locker-staff"
        self._put(locker_pages.staff_page(
            self.theme, self.lang, due, on_deposit=lambda: self.locker_entry("case"),
            on_collect=self._collect, on_back=self.show_locker))

    def _collect(self, locker: str, number: int) -> None:
        self._send("collect", {"session": self.locker_session, "locker": locker, "number": number},
                   daemon="locker")

    def _pickup(self) -> None:
        data = {"code": self.locker_form["code"]}
        if "id_last4" in self.locker_form:
            data["id_last4"] = self.locker_form["id_last4"]
        self._send("pickup", data, daemon="locker")

    def locker_scan(self, code: str) -> None:
        """A scan on the code or case number screen."""
        if self.locker_step == "code" and scanned_code(code):
            self.typed = scanned_code(code)
            self._locker_ok()
        elif self.locker_step == "case":
            self.typed = code.strip()
            self._locker_ok()

    def _show_sizes(self) -> None:
        free = {}
        for locker in self.locker_state.lockers if self.locker_state else []:
            for size in locker_pages.SIZES:
                count = sum(1 for c in locker.compartments if c.size == size)
                if count:
                    free[size] = free.get(size, 0) + locker.free.get(size, 0)
        self.screen = "locker-size"
        f = self.locker_form
        what = t("deposit_what", self.lang, case=f["case_no"], phone=f["phone"])  # staff check every digit
        self._put(locker_pages.size_page(self.theme, self.lang, free, what, on_size=self._deposit,
                                         on_back=lambda: self.locker_entry("phone")))

    def _deposit(self, size: str) -> None:
        f = self.locker_form
        data = {"session": self.locker_session, "case_no": f["case_no"], "phone": f["phone"], "size": size}
        if "id_last4" in f:
            data["id_last4"] = f["id_last4"]
        self._send("deposit", data, daemon="locker")

    def _show_dropoff(self) -> None:
        self.screen = "locker-dropoff"
        self._put(locker_pages.dropoff_page(self.theme, self.lang, on_open=lambda: self._send(
            "dropoff", {"size": "S"}, daemon="locker"), on_back=self.show_locker))

    # -- answers and the doors' events -------------------------------------------------------
    def locker_answer(self, action: str, reply) -> None:
        if isinstance(reply, str) or reply.status != "ok":
            code = "" if isinstance(reply, str) else reply.error.code
            if action == "staff-login" and code == "forbidden":
                self.locker_entry("staff_no", t("staff_wrong", self.lang))
            elif code == "staff_only":  # the login lapsed ([locker] staff_session_min)
                self.locker_session = None
                self.locker_entry("staff_no", t("staff_expired", self.lang))
            elif code in ("nothing_to_collect", "busy"):
                self.show_message(t("locker_busy", self.lang), title="locker_failed")
            elif code == "full":
                self.show_message(t("locker_full", self.lang), title="locker_failed")
            else:  # no answer, no board answering, or staff-only
                self.show_message(t("locker_down", self.lang), title="locker_failed")
            return
        data = reply.data
        if action == "staff-login":
            self.locker_form, self.locker_session = {}, data["session"]  # number and PIN not kept
            self.show_staff()
        elif action == "pickup" and data["outcome"] != "opening":
            outcome = data["outcome"]
            if outcome == "wrong":
                asked_id = self.locker_form.pop("id_last4", None) is not None
                self.locker_entry("code", t("pickup_wrong_id4" if asked_id else "pickup_wrong", self.lang,
                                            n=data["tries_left"]))
            elif outcome == "locked":
                self.show_message(t("pickup_locked", self.lang, m=max(1, round(data["locked_s"] / 60))),
                                  title="locker_failed")
            else:
                self.show_message(t("pickup_expired" if outcome == "expired" else "locker_busy", self.lang),
                                  title="locker_failed")
        else:  # a door is being opened: its events tell the rest
            self.locker_form = {}  # nothing typed is kept past its request (the code, the PIN)
            self.locker_op = {"op_id": data["op_id"], "number": data["number"], "kind": action}
            self._show_door(t("door_opening", self.lang, number=data["number"]), False)

    def locker_event(self, name: str, data: dict) -> None:
        op = self.locker_op
        if op is None or data.get("op_id") != op["op_id"]:
            return
        number, kind = data["number"], op["kind"]
        if name == "door" and data["outcome"] == "opened":
            key = "door_open_pickup" if kind in ("pickup", "collect") else "door_open_put"
            self._show_door(t(key, self.lang, number=number), False)
        elif name == "door":
            self._show_door(t(self._not_opened_key(kind), self.lang, number=number), True)
        elif name == "close-door":
            self._show_door(t("close_door", self.lang, number=number), True)
        elif name == "done":
            outcome = data["outcome"]
            sentence = {"collected": t("collected", self.lang),
                        "retrieved": t("retrieved", self.lang, number=number),
                        "dropped": t("dropped_printing" if self.setup.printer else "dropped", self.lang,
                                     receipt=data.get("receipt") or ""),
                        "deposited": t("deposited", self.lang, number=number),
                        "not_closed": t("not_closed", self.lang),
                        }.get(outcome, t(self._not_opened_key(kind), self.lang, number=number))
            self.locker_receipt = data.get("receipt")
            self.locker_op = None
            staff = kind in ("deposit", "collect") and self.locker_session is not None
            self._show_door(sentence, outcome in ("not_closed", "not_opened"), staff_next=staff)
            if kind not in ("deposit", "collect"):  # staff go on from the door page themselves
                self.ticket_done.start(DONE_SHOWN_MS)  # then back to the start for the next citizen

    def receipt_not_printed(self, data: dict) -> None:
        """The printer could not print the drop-off's receipt: the number, to be noted."""
        if self.screen == "locker-door" and data.get("number") == self.locker_receipt:
            self._show_door(t("dropped", self.lang, receipt=self.locker_receipt), True)

    @staticmethod
    def _not_opened_key(kind: str) -> str:
        return "door_not_opened" if kind == "pickup" else "door_not_opened_other"  # a code to keep, or not

    def _show_door(self, sentence: str, alert: bool, staff_next: bool = False) -> None:
        """``staff_next``: a staff operation is over; staff go on from here."""
        self.screen = "locker-door"
        self._put(locker_pages.door_page(self.theme, self.lang, sentence, alert, on_home=self.go_home,
                                         on_more=self.show_staff if staff_next else None))
