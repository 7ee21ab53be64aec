"""Sizes and colours a citizen reads from 10 m away, derived from the screen's height: the
newest call's digits at least 12 % of it, every other number at least 4 % (the height of
the digits themselves, measured from the font), light text on a dark ground at 7:1 or more."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from PyQt6.QtGui import QFont, QFontMetrics

from hallkit.kiosk_ui.kiosk.theme import FONT_FAMILY

GROUND = "#0B1F3A"   # the board's background
PANEL = "#15305A"    # behind a block: white on it 13.4:1, NUMBER on it 9.3:1
TEXT = "#FFFFFF"     # on GROUND 16.6:1
NUMBER = "#FFD23F"   # ticket numbers: on GROUND 11.5:1
BLINK_GROUND = "#FFFFFF"  # a new call blinks by turning over: GROUND on white
ALERT = "#FFB4AB"    # the connection banner's text on ALERT_GROUND
ALERT_GROUND = "#5C0A0A"

NEWEST_SHARE = 0.12  # of the screen's height: the newest call's digits
NUMBER_SHARE = 0.04  # every other number
# Ticket numbers and counts are set in a Latin face: the CJK face's lines are a quarter
# taller for the same digits, room a 9:16 board does not have.
NUMBER_FAMILY = "DejaVu Sans"


def font(px: int, bold: bool = False, family: str = FONT_FAMILY) -> QFont:
    f = QFont(family)
    f.setPixelSize(px)
    f.setBold(bold)
    return f


def digit_height(px: int, bold: bool = True, family: str = FONT_FAMILY) -> int:
    """How tall the digits stand in this font size (not the em box the size names)."""
    return QFontMetrics(font(px, bold, family)).tightBoundingRect("0123456789").height()


@cache
def px_for_digits(height: int, bold: bool = True, family: str = FONT_FAMILY) -> int:
    """The smallest font size whose digits stand ``height`` pixels tall."""
    px = max(8, math.ceil(height / 0.8))
    while digit_height(px, bold, family) < height:
        px += 1
    return px


@dataclass(frozen=True)
class BoardLook:
    width: int
    height: int

    @property
    def portrait(self) -> bool:
        return self.height > self.width

    def digits(self, share: float, family: str = FONT_FAMILY) -> int:
        return px_for_digits(math.ceil(share * self.height), True, family)

    @property
    def newest(self) -> int:
        return self.digits(NEWEST_SHARE, NUMBER_FAMILY)

    @property
    def number(self) -> int:
        """Ticket numbers and waiting counts in the lists (NUMBER_FAMILY)."""
        return self.digits(NUMBER_SHARE * (1.0 if self.portrait else 1.1), NUMBER_FAMILY)

    @property
    def text(self) -> int:
        """Window names and waits beside the numbers, in the CJK face, digits as tall."""
        return self.digits(NUMBER_SHARE * (1.0 if self.portrait else 1.1))

    @property
    def newest_window(self) -> int:
        """The window the newest call goes to, under or beside its number."""
        return self.digits(0.045 if self.portrait else 0.06)

    @property
    def small(self) -> int:
        """Headings, the clock and English lines: sized by the screen's short side."""
        return max(px_for_digits(math.ceil(0.026 * min(self.width, self.height))), 24)

    @property
    def margin(self) -> int:
        return round(0.02 * min(self.width, self.height))
