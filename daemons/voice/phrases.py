"""What an announcement says, as clip names: 请 A012 号 到 3 号窗口 办理, read the way halls
read it (letters by name, the number digit by digit or as a number), and its English."""

from __future__ import annotations

import re

DIGITS_ZH = ("ling", "yi", "er", "san", "si", "wu", "liu", "qi", "ba", "jiu")
# clip name → (espeak-ng voice, what it reads). Pinyin with tone numbers for the Mandarin
# voice (the plain `cmn` voice reads several of these characters by English rules).
ZH_WORDS = {"qing": "qing3", "hao": "hao4", "dao": "dao4", "chuangkou": "chuang1 kou3",
            "banli": "ban4 li3", "di": "di4", "ci": "ci4", "hujiao": "hu1 jiao4", "shi": "shi2",
            "bai": "bai3"}
ZH_DIGITS = dict(zip(DIGITS_ZH, ("ling2", "yi1", "er4", "san1", "si4", "wu3", "liu4", "qi1", "ba1",
                                 "jiu3"), strict=True))
EN_ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
EN_TEENS = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
            "eighteen", "nineteen")
EN_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
EN_WORDS = {"en_number": "number", "en_please_go_to": "please go to", "en_window": "window",
            "en_hundred": "hundred", "en_second_call": "second call", "en_third_call": "third call",
            "en_call": "call"}
LETTERS = tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def clip_texts() -> dict[str, tuple[str, str]]:
    """Every clip the bank holds but the chime: name → (voice, text)."""
    out = {name: ("cmn-latn-pinyin", text) for name, text in {**ZH_WORDS, **ZH_DIGITS}.items()}
    out |= {f"letter_{c}": ("en", c) for c in LETTERS}  # letters by their English names
    out |= {f"en_{w}": ("en", w) for w in (*EN_ONES, *EN_TEENS, *EN_TENS[2:])}
    out |= {name: ("en", text) for name, text in EN_WORDS.items()}
    return out


def zh_number(n: int) -> list[str]:
    """0-999 as it is said: 3 三, 12 十二, 20 二十, 105 一百零五, 110 一百一十."""
    if n < 10:
        return [DIGITS_ZH[n]]
    if n < 20:
        return ["shi"] + ([DIGITS_ZH[n % 10]] if n % 10 else [])
    if n < 100:
        return [DIGITS_ZH[n // 10], "shi"] + ([DIGITS_ZH[n % 10]] if n % 10 else [])
    hundreds, rest = [DIGITS_ZH[n // 100], "bai"], n % 100
    if rest == 0:
        return hundreds
    if rest < 10:
        return [*hundreds, "ling", DIGITS_ZH[rest]]
    if rest < 20:
        return [*hundreds, "yi", "shi"] + ([DIGITS_ZH[rest % 10]] if rest % 10 else [])
    return hundreds + zh_number(rest)


def en_number(n: int) -> list[str]:
    if n < 10:
        return [f"en_{EN_ONES[n]}"]
    if n < 20:
        return [f"en_{EN_TEENS[n - 10]}"]
    if n < 100:
        return [f"en_{EN_TENS[n // 10]}"] + ([f"en_{EN_ONES[n % 10]}"] if n % 10 else [])
    return [f"en_{EN_ONES[n // 100]}", "en_hundred"] + (en_number(n % 100) if n % 100 else [])


def split_ticket(number: str) -> tuple[str, str]:
    """``A012`` → ('A', '012'); letters may be one or two, digits two to five."""
    m = re.fullmatch(r"([A-Z]{0,2})([0-9]{1,5})", number)
    if not m:
        raise ValueError(f"{number!r} is not a ticket number")
    return m[1], m[2]


def ticket_zh(number: str, style: str) -> list[str]:
    letters, digits = split_ticket(number)
    said = [f"letter_{c}" for c in letters]
    if style == "number" and int(digits) < 1000:
        return said + zh_number(int(digits))
    return said + [DIGITS_ZH[int(d)] for d in digits]


def ticket_en(number: str) -> list[str]:
    letters, digits = split_ticket(number)
    return [f"letter_{c}" for c in letters] + [f"en_{EN_ONES[int(d)]}" for d in digits]


def announcement(number: str, window: int, recall: int, *, style: str = "digits", repeat: int = 2,
                 english: bool = False, recall_phrase: bool = True, chime: bool = True) -> list[str]:
    """The clips of one call, with ``pause_short`` between sentences ('pause' names silence)."""
    sentence = ["qing", *ticket_zh(number, style), "hao", "dao", *zh_number(window), "hao",
                "chuangkou", "banli"]
    if recall and recall_phrase:  # 第二次呼叫: the first recall is the second call
        sentence = ["di", *zh_number(recall + 1), "ci", "hujiao", "pause_short", *sentence]
    out = ["chime", "pause_short"] if chime else []
    for i in range(repeat):
        out += (["pause_long"] if i else []) + sentence
    if english:
        en = ["en_number", *ticket_en(number), "en_please_go_to", "en_window", *en_number(window)]
        if recall and recall_phrase:
            en = [{1: "en_second_call", 2: "en_third_call"}.get(recall, "en_call"), "pause_short", *en]
        out += ["pause_long", *en]
    return out
