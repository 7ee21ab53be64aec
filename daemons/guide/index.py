"""What a pinyin search matches, worked out when the guide is imported (by `hallctl guide
import`: pypinyin's dictionaries take 55 MB, which the daemon need not carry for months).

Initials are given for each reading of a character that has several (行 hang/xing, 重
zhong/chong), so a citizen who reads it either way finds the item; the phrase-aware
reading comes first."""

from __future__ import annotations

import itertools
import re

from hallkit.daemons.guide.contract import GuideItem, IndexedItem

MAX_READINGS = 8  # initials strings per name: enough for two polyphones each way


def _letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def initials_of(text: str) -> list[str]:
    from pypinyin import Style, lazy_pinyin, pinyin

    first = _letters("".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")))
    options = [sorted({_letters(r) for r in readings} - {""}) or [""]  # character by character:
               for ch in text                                             # a phrase gives one
               for readings in pinyin(ch, style=Style.FIRST_LETTER, heteronym=True, errors="ignore")]
    out = [first] if first else []
    for combo in itertools.islice(itertools.product(*options), MAX_READINGS * 4):
        joined = "".join(combo)
        if joined and joined not in out:
            out.append(joined)
        if len(out) >= MAX_READINGS:
            break
    return out


def indexed(item: GuideItem) -> IndexedItem:
    from pypinyin import lazy_pinyin

    initials = initials_of(item.name_zh)
    for word in item.keywords:
        for reading in initials_of(word)[:2]:
            if reading not in initials:
                initials.append(reading)
    return IndexedItem(**item.model_dump(), pinyin=_letters("".join(lazy_pinyin(item.name_zh)))[:400],
                       initials=[i[:60] for i in initials[:24]])
