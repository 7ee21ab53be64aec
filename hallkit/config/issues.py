"""One problem found in a config, and how it is printed for a technician."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class ConfigIssue:
    loc: Loc
    message: str
    hint: str | None = None  # a likely intended value, shown as "did you mean …?"
    line: int | None = None

    def format(self, file: str) -> str:
        where = f"{file}:{self.line}" if self.line else file
        text = f"{where}: {format_loc(self.loc) or '(top)'}: {self.message}"
        return f"{text} (did you mean {self.hint!r}?)" if self.hint else text


class ConfigError(Exception):
    """A config that cannot be used; carries every issue found, not just the first."""

    def __init__(self, file: str, issues: list[ConfigIssue]) -> None:
        self.file = file
        self.issues = issues
        super().__init__("\n".join(i.format(file) for i in issues))


def format_loc(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def closest(word: object, choices: Iterable[object]) -> str | None:
    options = [str(c) for c in choices]
    match = difflib.get_close_matches(str(word), options, n=1, cutoff=0.6)
    return match[0] if match else None
