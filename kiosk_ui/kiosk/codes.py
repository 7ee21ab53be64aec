"""Scanned codes: the appointment code in a QR, and a code shown masked."""

from __future__ import annotations

import re

CODE = re.compile(r"^[0-9A-Za-z-]{4,32}$")  # an appointment code (预约码)


def appointment_code(scanned: str) -> str | None:
    """The code in an appointment's QR: the text itself, or the last part of a link or of a
    ``scheme:…:CODE`` text, or its ``code=`` parameter."""
    text = scanned.strip()
    if CODE.match(text):
        return text
    match = re.search(r"[?&]code=([0-9A-Za-z-]{4,32})(?:&|$)", text)
    if match:
        return match[1]
    last = re.split(r"[/:=]", text.rstrip("/"))[-1]
    return last if CODE.match(last) else None


def mask_code(code: str) -> str:
    """A scanned code for the maintenance screen: enough to see the scanner works, not a
    ticket's cancel secret or an appointment code to reuse."""
    return code[:4] + "…" if len(code) > 4 else code
