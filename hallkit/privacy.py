"""Masking of personal data (ID and phone numbers) for screens, tickets and logs."""

from __future__ import annotations

import re

# 18-digit resident ID (last character may be X) and the old 15-digit form.
_ID18_RE = re.compile(r"(?<!\d)(\d{3})\d{11}(\d{3}[\dXx])(?![\dA-Za-z])")
_ID15_RE = re.compile(r"(?<!\d)(\d{3})\d{8}(\d{4})(?![\dA-Za-z])")
# Mainland mobile numbers, optionally with +86 / 86 in front.
_PHONE_RE = re.compile(r"(?<!\d)((?:\+?86[- ]?)?1[3-9]\d)\d{4}(\d{4})(?!\d)")


def mask_id(number: str) -> str:
    """``110105199001011234`` → ``110***********1234``; keeps region hint and check digits."""
    n = number.strip()
    if len(n) <= 7:
        return "*" * len(n)
    return n[:3] + "*" * (len(n) - 7) + n[-4:]


def mask_name(name: str) -> str:
    """``张三`` → ``张*``, ``李秀英`` → ``李*英``: enough for its holder to know it is theirs."""
    n = name.strip()
    if len(n) <= 1:
        return n
    if len(n) == 2:
        return n[0] + "*"
    return n[0] + "*" * (len(n) - 2) + n[-1]


def mask_phone(number: str) -> str:
    """``13812345678`` → ``138****5678``."""
    n = number.strip()
    if len(n) < 7:
        return "*" * len(n)
    return n[:3] + "*" * (len(n) - 7) + n[-4:]


def mask_text(text: str) -> str:
    """Mask every ID or phone number found in free text (log lines, notices)."""
    text = _ID18_RE.sub(lambda m: m.group(1) + "*" * 11 + m.group(2), text)
    text = _ID15_RE.sub(lambda m: m.group(1) + "*" * 8 + m.group(2), text)
    return _PHONE_RE.sub(lambda m: m.group(1) + "****" + m.group(2), text)
