"""The five levels as faces, drawn (no image files): a colour from green to red and a mouth
from a broad smile to a frown, so the level reads without the words too."""

from __future__ import annotations

from PyQt6.QtCore import QPointF, QRectF, Qt
from PyQt6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen, QPixmap

COLOURS = {5: "#1B7F3B", 4: "#4C9A2A", 3: "#B58100", 2: "#C25400", 1: "#B3261E"}
SMILE = {5: 0.42, 4: 0.22, 3: 0.0, 2: -0.2, 1: -0.38}  # the mouth's bend, by the face's size


def face(level: int, size: int) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    edge = max(2, size // 30)
    p.setPen(QPen(QColor("#FFFFFF"), edge))
    p.setBrush(QBrush(QColor(COLOURS[level])))
    p.drawEllipse(QRectF(edge, edge, size - 2 * edge, size - 2 * edge))
    p.setBrush(QBrush(QColor("#FFFFFF")))
    p.setPen(Qt.PenStyle.NoPen)
    eye = size * 0.09
    for x in (0.34, 0.66):
        p.drawEllipse(QPointF(size * x, size * 0.38), eye, eye)
    mouth = QPainterPath(QPointF(size * 0.28, size * 0.64))
    mouth.quadTo(QPointF(size * 0.5, size * (0.64 + SMILE[level])), QPointF(size * 0.72, size * 0.64))
    p.setPen(QPen(QColor("#FFFFFF"), size * 0.07, cap=Qt.PenCapStyle.RoundCap))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(mouth)
    p.end()
    return pixmap
