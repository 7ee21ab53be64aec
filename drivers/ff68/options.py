"""Hall-config options of the FF 68 families, checked by `hallctl config check`."""

from __future__ import annotations

from hallkit.drivers.ff68.codec import check_keymap


def parse_keymap(raw: object) -> dict[str, int]:
    """``{ call = 0x20 }`` or ``{ call = "0x20" }`` in TOML → {"call": 32}."""
    if not isinstance(raw, dict):
        raise ValueError("keymap is a table of key name = code, e.g. { call = 0x20 }")
    out = {}
    for name, code in raw.items():
        try:
            out[name] = code if isinstance(code, int) else int(str(code), 0)
        except ValueError:
            raise ValueError(f"key {name!r}: {code!r} is not a number like 0x20") from None
    return out


def check_options(options: dict) -> list[tuple[str, str]]:
    """(option, problem) pairs; empty when the options are fine."""
    if "keymap" not in options:
        return []
    try:
        keymap = parse_keymap(options["keymap"])
    except ValueError as exc:
        return [("keymap", str(exc))]
    return [("keymap", problem) for problem in check_keymap(keymap)]
