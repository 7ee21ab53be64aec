"""Hall-config options of the FF 68 keypad family, typed; `hallctl config check` validates them."""

from __future__ import annotations

from pydantic import Field, field_validator

from hallkit.drivers.ff68.codec import check_keymap
from hallkit.plugins.family import Options, refuse


def parse_keymap(raw: object) -> dict[str, int]:
    """``{ call = 0x20 }`` or ``{ call = "0x20" }`` in TOML → {"call": 32}."""
    if not isinstance(raw, dict):
        raise ValueError("keymap is a table of key name = code, e.g. { call = 0x20 }")
    out = {}
    for name, code in raw.items():
        if isinstance(code, bool) or not isinstance(code, int | str):
            raise ValueError(f"key {name!r}: {code!r} is not a number like 0x20")
        try:
            out[name] = code if isinstance(code, int) else int(code, 0)
        except ValueError:
            raise ValueError(f"key {name!r}: {code!r} is not a number like 0x20") from None
    return out


class KeypadOptions(Options):
    keymap: dict[str, int] | None = Field(None, description=(
        "key codes of keypads that differ from the protocol's defaults, e.g. { call = 0x20 }; "
        "one keymap per line"))
    rating_pad: bool = Field(False, description=(
        "a rating pad (评价器) hangs on this keypad: it is started when the window's service ends, and "
        "its levels become ratings"))

    @field_validator("keymap", mode="before")
    @classmethod
    def _parse(cls, raw: object) -> object:
        return None if raw is None else parse_keymap(raw)

    @field_validator("keymap")
    @classmethod
    def _check(cls, keymap: dict[str, int] | None) -> dict[str, int] | None:
        refuse(check_keymap(keymap) if keymap else [])
        return keymap
