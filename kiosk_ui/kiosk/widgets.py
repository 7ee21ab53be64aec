"""The kiosk's building blocks: labels and buttons sized by the theme, the on-screen
keypad, and a QR code drawn from its text."""

from __future__ import annotations

import qrcode
from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtGui import QColor, QFontMetrics, QImage, QPixmap
from PyQt6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QScroller,
    QSizePolicy,
    QWidget,
)

from hallkit.kiosk_ui.kiosk.theme import INK, PRIMARY, WHITE, Theme, paint


def label(theme: Theme, text: str = "", px: int | None = None, *, bold: bool = False,
          fg: str = INK, bg: str | None = None, wrap: bool = True,
          align=Qt.AlignmentFlag.AlignCenter) -> QLabel:
    widget = QLabel(text)
    font = theme.font(px or theme.body, bold)
    widget.setFont(font)
    if not wrap:  # one line: never squeezed below its own height
        widget.setMinimumHeight(QFontMetrics(font).lineSpacing() + 2)
    widget.setWordWrap(wrap)
    widget.setAlignment(align)
    paint(widget, fg, bg)
    return widget


def button(theme: Theme, text: str, on_click, *, px: int | None = None, fg: str = WHITE,
           bg: str = PRIMARY, min_height: int | None = None) -> QPushButton:
    widget = QPushButton(text)
    font = theme.font(px or theme.body, bold=True)
    widget.setFont(font)
    text_height = QFontMetrics(font).lineSpacing() * (text.count("\n") + 1) + theme.px(16)
    widget.setMinimumHeight(max(theme.target, min_height or 0, text_height))
    widget.setMinimumWidth(theme.target)
    widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a touch screen: no focus rings
    paint(widget, fg, bg)
    widget.clicked.connect(on_click)
    return widget


LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


def wrap_to(text: str, font, width: int) -> str:
    """``text`` broken into lines no wider than ``width`` in ``font`` (a button does not wrap
    by itself): between words, or between any two characters of Chinese."""
    metrics = QFontMetrics(font)
    lines = []
    for paragraph in text.split("\n"):
        words = paragraph.split(" ") if paragraph.isascii() else list(paragraph)
        glue = " " if paragraph.isascii() else ""
        line = ""
        for word in words:
            trial = f"{line}{glue}{word}" if line else word
            if line and metrics.horizontalAdvance(trial) > width:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
    return "\n".join(lines)


ID_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "X", "0")  # X: an ID's last character
CODE_KEYS = tuple("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")  # appointment codes, case numbers
CASE_KEYS = (*CODE_KEYS, "-")  # case numbers (办件编号) may have dashes
LETTER_KEYS = tuple("QWERTYUIOPASDFGHJKLZXCVBNM")  # pinyin initials, in the order phones have them
DIGIT_KEYS = tuple("1234567890")


class Keypad(QWidget):
    """The keys given, then delete, in ``columns``; clear below."""

    typed = pyqtSignal(str)  # the text so far, after each key

    def __init__(self, theme: Theme, max_len: int, *, keys=ID_KEYS, columns: int = 3,
                 delete: str = "⌫", clear: str = "C") -> None:
        super().__init__()
        self.max_len, self.text = max_len, ""
        grid = QGridLayout(self)
        grid.setSpacing(max(8, theme.target // 6))
        px = theme.title if columns <= 3 else theme.px(36 if columns < 10 else 30)
        for i, key in enumerate((*keys, delete)):
            grid.addWidget(button(theme, key, lambda _=False, k=key: self._key(k), px=px),
                           i // columns, i % columns)
        rows = (len(keys) + 1 + columns - 1) // columns
        grid.addWidget(button(theme, clear, lambda: self._set(""), px=theme.body), rows, 0, 1, columns)
        self.delete_key, self.clear_key = delete, clear

    def _key(self, key: str) -> None:
        if key == self.delete_key:
            self._set(self.text[:-1])
        elif len(self.text) < self.max_len:
            self._set(self.text + key)

    def _set(self, text: str) -> None:
        self.text = text
        self.typed.emit(text)


def qr_pixmap(text: str, side: int) -> QPixmap:
    """A QR code of ``text``, ``side`` pixels square, dark on white with its quiet zone."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, box_size=1)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    n = len(matrix)
    image = QImage(n, n, QImage.Format.Format_RGB32)
    dark, light = QColor(INK).rgb(), QColor(WHITE).rgb()
    for y, row in enumerate(matrix):
        for x, on in enumerate(row):
            image.setPixel(x, y, dark if on else light)
    return QPixmap.fromImage(image.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio,
                                          Qt.TransformationMode.FastTransformation))


def scrolling(theme: Theme, content: QWidget) -> QScrollArea:
    """``content`` in a pane that a finger drags up and down (a long list of materials, a
    citizen's several cases), with a scroll bar wide enough to grab."""
    area = QScrollArea()
    area.setWidget(content)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.verticalScrollBar().setStyleSheet(f"QScrollBar:vertical {{ width: {theme.target // 2}px; }}")
    QScroller.grabGesture(area.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture)
    paint(area.viewport(), INK, WHITE)
    return area


def replace_page(stack, page: QWidget) -> None:
    """Show ``page`` in place of the one before, which is destroyed with what it showed."""
    old = stack.currentWidget()
    stack.addWidget(page)
    stack.setCurrentWidget(page)
    if old is not None:
        stack.removeWidget(old)
        old.deleteLater()
