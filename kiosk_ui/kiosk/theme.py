"""Sizes and colours a citizen can read and hit: from the screen's pixels and millimetres.

Text: body at least 24 px on a 1080-wide screen (32 px in elderly mode), scaled with
the screen's short side. Touch targets at least 15 mm (20 mm for the elderly), from the
panel's real width. Colours: every text on its background at a contrast of 7:1 or more
(WCAG AAA), checked by ``contrast``. Applied through fonts and palettes (not style
sheets), so tests read them back from the widgets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PyQt6.QtGui import QColor, QFont, QPalette
from PyQt6.QtWidgets import QWidget

WHITE = "#FFFFFF"
INK = "#0B1F3A"        # text on white: 16.6:1
PRIMARY = "#0B3D91"    # white text on it: 10.6:1
CALM = "#E8EEF8"       # a quiet panel: INK on it 14.4:1
ALERT = "#8A1010"      # a refusal's title on white: 9.4:1
ALERT_BG = "#FFF1F0"   # behind a refusal: INK 15.4:1, ALERT 8.7:1
FONT_FAMILY = "Noto Sans CJK SC"


@dataclass(frozen=True)
class Theme:
    width: int
    height: int
    width_mm: float
    elderly: bool = False

    @property
    def scale(self) -> float:
        return min(self.width, self.height) / 1080

    def px(self, base: int) -> int:
        """``base`` px of a 1080-wide screen here, larger by a third in elderly mode."""
        return round(base * self.scale * (4 / 3 if self.elderly else 1))

    @property
    def body(self) -> int:
        return self.px(28)

    @property
    def title(self) -> int:
        return self.px(44)

    @property
    def number(self) -> int:
        """The ticket number on the result screen: 12 % of the screen's height or more (on a
        wide screen no more than a fifth, so the rest of the ticket still fits beside it)."""
        return max(math.ceil(0.12 * self.height), min(self.px(180), self.height // 5))

    @property
    def target(self) -> int:
        """The smallest side of anything to touch, in pixels."""
        mm = 20 if self.elderly else 15
        return math.ceil(mm * self.width / self.width_mm)

    def font(self, px: int, bold: bool = False) -> QFont:
        font = QFont(FONT_FAMILY)
        font.setPixelSize(px)
        font.setBold(bold)
        return font


def paint(widget: QWidget, fg: str, bg: str | None = None) -> None:
    """Text colour ``fg`` on ``bg`` (None: the parent's background shows through)."""
    pal = widget.palette()
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText,
                 QPalette.ColorRole.Text):
        pal.setColor(role, QColor(fg))
    if bg is not None:
        for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Button, QPalette.ColorRole.Base):
            pal.setColor(role, QColor(bg))
        widget.setAutoFillBackground(True)
    widget.setPalette(pal)


def luminance(colour: QColor) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(colour.red()) + 0.7152 * channel(colour.green()) + \
        0.0722 * channel(colour.blue())


def contrast(a: QColor, b: QColor) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
