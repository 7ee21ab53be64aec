"""Free text (a notice, `hallctl voice test`) as pinyin with tone numbers, for espeak-ng's
Mandarin voice: ``python -m hallkit.daemons.voice.freetext TEXT``. A child process, so the
voice daemon does not carry pypinyin's 55 MB of dictionaries for the odd sentence."""

from __future__ import annotations

import sys


def pinyin_text(text: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return " ".join(lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True))


if __name__ == "__main__":
    print(pinyin_text(" ".join(sys.argv[1:])))
