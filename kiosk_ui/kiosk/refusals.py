"""What a daemon's refusal means to the citizen at the kiosk: one sentence from the kiosk's
own catalogue (never the daemon's mixed-language message), with what to do next."""

from __future__ import annotations

import re

from hallkit.kiosk_ui.kiosk.texts import t

TICKET = re.compile(r"\b[A-Z]{1,2}[0-9]{2,5}\b")  # a ticket number in a daemon's message
CLOCK = re.compile(r"\b[0-2][0-9]:[0-5][0-9]\b")  # a time of day in one


def refusal(error, lang: str, service: str | None, name: str, hours_today: list[str]) -> str:
    """``error``: the reply's error; ``service``: the service asked for (None for a check-in)
    and ``name`` its name in ``lang``; ``hours_today``: from the hall directory."""
    code = error.code
    if code == "sold_out":
        return t("sold_out", lang, service=name)
    if code == "closed":
        if not hours_today:
            return t("closed_all_day", lang, service=name)
        return t("closed", lang, service=name, hours=("、" if lang == "zh" else ", ").join(hours_today))
    if code == "duplicate":  # the queue names the ticket already held
        held = TICKET.search(error.message)
        number = held[0] if held else ""
        if error.field == "data.code" or not service:
            return t("checked_in", lang, number=number)
        return t("duplicate", lang, service=name, number=number)
    if code == "id_required":
        return t("id_required", lang, service=name)
    if code in ("too_early", "too_late"):
        when = CLOCK.search(error.message)
        return t(code, lang, when=when[0] if when else "")
    if code == "not_found" and error.field == "data.id_number":
        return t("appt_not_found_id", lang)
    if code == "not_found" and error.field == "data.code":
        return t("appt_not_found", lang)
    if code in ("unavailable", "busy", "internal", "expired"):
        return t("down", lang)
    return t("error", lang)
