"""Where each key of a TOML document stands, so errors can say FILE:LINE.

tomllib gives values without positions; this scans the text for table headers
and ``key =`` lines. It understands what hall configs use (tables, arrays of
tables, dotted and quoted keys); a value nested inside an inline table or a
multi-line array is reported at the line of its key.
"""

from __future__ import annotations

Path = tuple[str | int, ...]


def _split_keys(text: str) -> tuple[str, ...]:
    keys, cur, quote = [], "", ""
    for ch in text.strip():
        if quote:
            if ch == quote:
                quote = ""
            else:
                cur += ch
        elif ch in "\"'":
            quote = ch
        elif ch == ".":
            keys.append(cur.strip())
            cur = ""
        else:
            cur += ch
    keys.append(cur.strip())
    return tuple(keys)


def _code_part(line: str) -> str:
    """The line without its comment (a '#' inside a string stays)."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            return line[:i].strip()
    return line.strip()


def key_lines(text: str) -> dict[Path, int]:
    lines: dict[Path, int] = {}
    arrays: dict[Path, int] = {}  # path of an array of tables -> index of its last element
    table: Path = ()

    def resolve(keys: tuple[str, ...]) -> Path:
        path: Path = ()
        for key in keys:
            path = (*path, key)
            if path in arrays:
                path = (*path, arrays[path])
        return path

    in_string = ""  # the delimiter of a multi-line string we are inside: its lines are no keys
    for number, raw in enumerate(text.splitlines(), 1):
        if in_string:
            if raw.count(in_string) % 2:
                in_string = ""
            continue
        line = _code_part(raw)
        for delim in ('"""', "\'\'\'"):
            if raw.count(delim) % 2:  # opens a multi-line string that goes on below
                in_string = delim
        if line.startswith("[["):
            keys = _split_keys(line[2:].rstrip("]"))
            array = (*resolve(keys[:-1]), keys[-1])
            arrays[array] = arrays.get(array, -1) + 1
            lines.setdefault(array, number)
            table = (*array, arrays[array])
            lines[table] = number
        elif line.startswith("["):
            table = resolve(_split_keys(line[1:].rstrip("]")))
            lines.setdefault(table, number)
        elif "=" in line and line[0] not in "{}[]":
            keys = _split_keys(_key_part(line))
            for depth in range(1, len(keys) + 1):
                lines.setdefault((*table, *keys[:depth]), number)
    return lines


def _key_part(line: str) -> str:
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "=":
            return line[:i]
    return line


def line_of(lines: dict[Path, int], loc: Path) -> int | None:
    """The line of the deepest known prefix of ``loc``."""
    for depth in range(len(loc), 0, -1):
        if loc[:depth] in lines:
            return lines[loc[:depth]]
    return None
