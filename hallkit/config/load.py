"""Read a hall config file and report every problem in it at once."""

from __future__ import annotations

import copy
import os
import re
import tomllib
import types
import typing
from pathlib import Path

from pydantic import BaseModel, ValidationError

from hallkit.config.crosscheck import cross_check
from hallkit.config.issues import ConfigError, ConfigIssue, Loc, closest
from hallkit.config.model import HallConfig
from hallkit.config.sections import config_model
from hallkit.config.toml_lines import key_lines, line_of

_TOML_POS = re.compile(r"\(at line (\d+), column \d+\)")


def load_config(path: str | Path) -> HallConfig:
    """The validated config, or ConfigError listing every issue."""
    cfg, issues = check_file(path)
    if issues:
        raise ConfigError(str(path), issues)
    assert cfg is not None
    return cfg


def check_file(path: str | Path) -> tuple[HallConfig | None, list[ConfigIssue]]:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [ConfigIssue((), f"cannot read the file: {exc}")]
    try:
        text = raw.decode("utf-8-sig")  # Notepad's byte order mark is fine
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        try:
            raw.decode("gb18030")
            hint = "it looks saved as GB18030/GBK: save it as UTF-8 (记事本: 另存为, 编码 UTF-8)"
        except UnicodeDecodeError:
            hint = "save it as UTF-8"
        return None, [ConfigIssue((), f"the file is not UTF-8; {hint}", line=line)]
    cfg, issues = check_text(text)
    if cfg is not None:
        cfg._source = path.resolve()
    return cfg, issues


def unwritable_storage(storage: Path) -> str | None:
    """Why this user could not keep the hall's data in ``storage`` (None: it can)."""
    existing = storage
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return f"{existing} is not a folder, so {storage} cannot be made"
    if not os.access(existing, os.W_OK | os.X_OK):
        return (f"{storage} is not writable by this user (uid {os.getuid()}): "
                f"{'it' if existing == storage else existing} belongs to uid {existing.stat().st_uid}")
    return None


def check_text(text: str) -> tuple[HallConfig | None, list[ConfigIssue]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = _TOML_POS.search(str(exc))
        message = _TOML_POS.sub("", str(exc)).strip()
        return None, [ConfigIssue((), f"TOML syntax: {message}",
                                  line=int(match.group(1)) if match else None)]
    try:
        cfg = config_model().model_validate(data)
        issues = cross_check(cfg)
    except ValidationError as exc:
        cfg, issues = None, [_from_pydantic(err, data) for err in exc.errors()]
        issues += _cross_check_rest(data, exc.errors())
    lines = key_lines(text)
    placed = [ConfigIssue(i.loc, i.message, i.hint, line_of(lines, i.loc)) for i in issues]
    return (cfg if not placed else None), sorted(placed, key=lambda i: (i.line or 0, i.loc.__repr__()))


def _cross_check_rest(data: dict, errors: list[dict]) -> list[ConfigIssue]:
    """Cross-check what is left after setting aside the entries that failed on their own,
    so one run reports every problem; references to a set-aside entry are not repeated."""
    rest = copy.deepcopy(data)
    dropped: set[str] = set()
    for err in errors:
        loc = _raw_loc(err["loc"], data)
        section = loc[0] if loc else None
        if err["type"] == "extra_forbidden":
            parent = rest
            for part in loc[:-1]:
                parent = parent[part] if parent is not None else None
            if isinstance(parent, dict):
                parent.pop(loc[-1], None)  # a typo'd key: the entry is fine without it
        elif section in ("services", "windows", "lockers") and len(loc) > 1:
            entry = data[section][loc[1]] if isinstance(loc[1], int) else None
            if isinstance(entry, dict):
                dropped.add(str(entry.get("code") or entry.get("number") or entry.get("id")))
                rest[section][loc[1]] = None
        elif section == "devices" and len(loc) > 1:
            dropped.add(str(loc[1]))
            rest["devices"].pop(loc[1], None)
        elif section in rest:
            rest.pop(section)
    for section in ("services", "windows", "lockers"):
        if isinstance(rest.get(section), list):
            rest[section] = [e for e in rest[section] if e is not None]
    rest.setdefault("hall", {"id": "x", "name_zh": "x", "name_en": "x"})
    try:
        partial = config_model().model_validate(rest)
    except ValidationError:
        return []
    return [i for i in cross_check(partial)
            if not any(repr(d) in i.message or f"{d}" == str(i.hint) for d in dropped)]


def _from_pydantic(err: dict, data: dict) -> ConfigIssue:
    loc = _raw_loc(err["loc"], data)
    kind, message = err["type"], err["msg"].removeprefix("Value error, ")
    if kind == "wrong_scalar":  # raised for the whole table: the key is in the context
        return ConfigIssue((*loc, err["ctx"]["key"]), message)
    if kind == "extra_forbidden":
        allowed = _fields_at(loc[:-1], data)
        return ConfigIssue(loc, f"unknown key {loc[-1]!r}", closest(loc[-1], allowed))
    if kind == "missing":
        return ConfigIssue(loc, "required key is missing")
    if kind == "union_tag_invalid":
        expected = err.get("ctx", {}).get("expected_tags", "")
        tags = [t.strip(" '") for t in expected.split(",")]
        return ConfigIssue((*loc, "kind"), f"unknown kind {err['ctx']['tag']!r}; known: {expected}",
                           closest(err["ctx"]["tag"], tags))
    if kind == "union_tag_not_found":
        return ConfigIssue((*loc, "kind"), "required key is missing (what sort of device this is)")
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        tags = [t.strip(" '") for t in re.split(r",| or ", expected)]
        return ConfigIssue(loc, message, closest(err.get("input"), tags))
    if kind == "string_pattern_mismatch":
        description = _description_at(loc, data)
        return ConfigIssue(loc, f"{err.get('input')!r} is not valid" +
                           (f": {description}" if description else f" ({message})"))
    return ConfigIssue(loc, message)


def _raw_loc(loc: tuple, data: object) -> Loc:
    """Drop what pydantic adds to a location (union tags) so it matches the file."""
    out: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part not in node and node.get("kind") == part:
            continue  # discriminated union: pydantic puts the tag in the path
        out.append(part)
        try:
            node = node[part]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            node = None
    return tuple(out)


def _field_at(loc: Loc, data: object):
    """The pydantic field behind ``loc``, following lists, dicts and device kinds."""
    tp: object = config_model()
    node = data
    field = None
    for part in loc:
        tp = _pick_model(tp, node)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            field = tp.model_fields.get(str(part))
            if field is None:
                return None, None
            tp = field.annotation
        else:
            args = typing.get_args(tp)
            tp = args[-1] if args else None
        node = node.get(part) if isinstance(node, dict) else (
            node[part] if isinstance(node, list) and isinstance(part, int) and part < len(node) else None)
    return field, _pick_model(tp, node)


def _pick_model(tp: object, node: object) -> object:
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        models = [a for a in typing.get_args(tp) if isinstance(a, type) and issubclass(a, BaseModel)]
        kind = node.get("kind") if isinstance(node, dict) else None
        for model in models:
            annotation = model.model_fields.get("kind")
            if annotation and kind in typing.get_args(annotation.annotation):
                return model
        return models[0] if len(models) == 1 else None
    return tp


def _fields_at(loc: Loc, data: object) -> list[str]:
    _, model = _field_at(loc, data)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [name for name in model.model_fields if not name.startswith("_")]
    return []


def _description_at(loc: Loc, data: object) -> str | None:
    field, _ = _field_at(loc, data)
    return field.description if field else None
