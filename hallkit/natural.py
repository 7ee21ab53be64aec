"""Natural order for device ids a person reads: keypad-2 before keypad-10."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TypeVar

T = TypeVar("T")


def natural_key(text: str) -> tuple:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


def natural(items: Iterable[T]) -> list[T]:
    """Sort ids (or (id, …) pairs) so that numbers inside them count as numbers."""
    return sorted(items, key=lambda item: natural_key(item if isinstance(item, str) else item[0]))
