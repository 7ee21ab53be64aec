"""A device's ``options`` table checked against its family's typed options model."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pydantic import ValidationError

from hallkit.config.issues import ConfigIssue, Loc, closest
from hallkit.plugins.family import Family


def option_issues(loc: Loc, fam: Family, raw: dict) -> Iterator[ConfigIssue]:
    """Every problem with ``raw`` for ``fam``, each at its option's location."""
    try:
        fam.options.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors():
            yield _issue(loc, fam, err)


def _issue(loc: Loc, fam: Family, err: dict) -> ConfigIssue:
    where = (*loc, *err["loc"])
    kind, message = err["type"], err["msg"].removeprefix("Value error, ")
    if kind == "extra_forbidden":
        names = list(fam.options.model_fields)
        return ConfigIssue(where, f"{fam.name} has no option {err['loc'][-1]!r} "
                           f"(options: {', '.join(names) or 'none'})", closest(err["loc"][-1], names))
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        choices = [t.strip(" '") for t in re.split(r",| or ", expected)]
        return ConfigIssue(where, f"{err.get('input')!r} is not one of {expected}{_what(fam, err)}",
                           closest(err.get("input"), choices))
    if kind.endswith("_type"):
        return ConfigIssue(where, f"{err.get('input')!r} is not valid: {message}{_what(fam, err)}")
    if kind == "value_error":  # the family's own sentence says what is wrong and why
        return ConfigIssue(where, message)
    return ConfigIssue(where, message + _what(fam, err))


def _what(fam: Family, err: dict) -> str:
    """The option's description, so the technician learns what it is for."""
    field = fam.options.model_fields.get(str(err["loc"][0])) if err["loc"] else None
    return f" ({field.description})" if field is not None and field.description else ""
