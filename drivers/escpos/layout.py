"""A printed page as a list of blocks, independent of how it is encoded.

The ticket builder (daemons/printer) produces blocks; ``encode.py`` turns them
into ESC/POS bytes per ``chinese_mode``; the simulator draws what the printer
would. Widths are in printer dots: font A is 12 dots per half-width character
and 24 per ideograph, times the size factor.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

Align = Literal["left", "center", "right"]
DOTS_80MM = 576  # printable width of an 80 mm head at 203 dpi
DOTS_58MM = 384
CELL = 12  # font A: half-width cell, dots


@dataclass(frozen=True)
class Text:
    text: str
    width: int = 1  # size factor 1..8 (GS !)
    height: int = 1
    bold: bool = False
    align: Align = "left"


@dataclass(frozen=True)
class Qr:
    data: str
    module: int = 6  # dots per module, 1..16
    align: Align = "center"


@dataclass(frozen=True)
class Feed:
    lines: int = 1


@dataclass(frozen=True)
class Rule:
    """A full-width separator line."""


Block = Text | Qr | Feed | Rule


def cells(text: str) -> int:
    """Half-width cells a string takes: ideographs and full-width forms take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def text_dots(text: str, width: int = 1) -> int:
    return cells(text) * CELL * width


def fit(text: str, paper_dots: int, sizes: tuple[int, ...] = (2, 1)) -> int:
    """The largest size factor in ``sizes`` at which ``text`` fits on one line."""
    for size in sizes:
        if text_dots(text, size) <= paper_dots:
            return size
    return sizes[-1]
