"""GB2312, the character set of LED window displays' fonts and of every Chinese ticket printer."""

from __future__ import annotations


def outside_gb2312(text: str) -> str:
    """The characters of ``text`` that GB2312 lacks, each once, in order ('' when it all fits)."""
    bad = []
    for ch in text:
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            bad.append(ch)
    return "".join(dict.fromkeys(bad))
