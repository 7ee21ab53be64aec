"""The guide file a hall keeps (TOML: its departments and service items) as checked items,
or every problem with its line. config/demo-guide.toml is a sample; docs/kiosk.md says
how it is written."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from hallkit.config.issues import format_loc
from hallkit.config.toml_lines import key_lines, line_of
from hallkit.daemons.guide.contract import Department, GuideItem

MAX_PROBLEMS = 20


class GuideFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    departments: list[Department] = Field(min_length=1, max_length=100)
    items: list[GuideItem] = Field(min_length=1, max_length=5000)


class GuideFileError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def read_guide(path: Path, services: set[str] | None = None) -> GuideFile:
    """The guide in ``path``; ``services``: the hall's queue service codes an item may name."""
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise GuideFileError([f"{path}: cannot be read: {exc}"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise GuideFileError([f"{path}: not TOML: {exc}"]) from None
    lines = key_lines(text)
    try:
        guide = GuideFile.model_validate(data)
    except ValidationError as exc:
        raise GuideFileError([_at(path, lines, err["loc"], err["msg"])
                              for err in exc.errors()[:MAX_PROBLEMS]]) from None
    problems = cross_check(guide.departments, guide.items, services)
    if problems:
        raise GuideFileError([_at(path, lines, loc, message) for loc, message in problems[:MAX_PROBLEMS]])
    return guide


def cross_check(departments, items, services: set[str] | None) -> list[tuple[tuple, str]]:
    """(where, what) for each item naming a missing department or service, each id or
    department code given twice."""
    problems: list[tuple[tuple, str]] = []
    codes: set[str] = set()
    for i, dep in enumerate(departments):
        if dep.code in codes:
            problems.append((("departments", i, "code"), f"department {dep.code!r} twice"))
        codes.add(dep.code)
    ids: set[str] = set()
    for i, item in enumerate(items):
        if item.id in ids:
            problems.append((("items", i, "id"), f"item id {item.id!r} twice"))
        ids.add(item.id)
        if item.department not in codes:
            problems.append((("items", i, "department"), f"no department {item.department!r} "
                             f"(the file has {', '.join(sorted(codes))})"))
        if services is not None and item.service is not None and item.service not in services:
            problems.append((("items", i, "service"), f"the hall has no queue service "
                             f"{item.service!r} (it has {', '.join(sorted(services))})"))
    return problems


def _at(path: Path, lines, loc: tuple, message: str) -> str:
    line = line_of(lines, tuple(loc))
    return f"{path}:{line or '?'}: {format_loc(tuple(loc))}: {message}"
