"""Matching a citizen's search against the guide: in memory, the whole guide (a hall's
hundreds of items) scanned per search, which takes well under a millisecond."""

from __future__ import annotations

import re
from dataclasses import dataclass

ASCII = re.compile(r"^[a-z0-9 ]+$")


@dataclass(frozen=True)
class Entry:
    id: str
    department: str
    name_zh: str
    name_en: str
    keywords: tuple[str, ...]
    pinyin: str
    initials: tuple[str, ...]
    order: int


def score(entry: Entry, query: str) -> int | None:
    """Lower is better; None: no match. ``query`` is lower-cased, without spaces."""
    if not query:
        return 9
    if ASCII.match(query):
        if any(i == query for i in entry.initials) or entry.pinyin == query:
            return 0
        if any(i.startswith(query) for i in entry.initials) or entry.pinyin.startswith(query):
            return 1
        if any(query in i for i in entry.initials) or (len(query) >= 2 and query in entry.pinyin):
            return 2
        if len(query) >= 3 and query in entry.name_en.lower().replace(" ", ""):
            return 3
        return None
    if entry.name_zh == query:
        return 0
    if entry.name_zh.startswith(query):
        return 1
    if query in entry.name_zh:
        return 2
    if any(query in k or k in query for k in entry.keywords):
        return 3
    return None


def search(entries: list[Entry], text: str, department: str | None) -> list[Entry]:
    query = re.sub(r"\s+", "", text).lower()
    ranked = []
    for entry in entries:
        if department is not None and entry.department != department:
            continue
        s = score(entry, query)
        if s is not None:
            ranked.append((s, entry.order, entry))
    ranked.sort(key=lambda r: r[:2])
    return [e for _, _, e in ranked]
