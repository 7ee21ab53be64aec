"""A finished ticket drawn as the thermal head prints it: 1-bit, the printer's real
width in dots (576 on 80 mm paper), a margin of bare paper around it."""

from __future__ import annotations

from PIL import Image

from hallkit.drivers.escpos.glyphs import draw_run
from hallkit.drivers.escpos.layout import CELL, DOTS_80MM
from hallkit.drivers.escpos.paper import QrCode, Row, Run, Ticket, add_char

LINE_GAP = 6  # dots between printed lines (ESC 2: 30-dot lines for 24-dot text)
TOP_MARGIN = 24
BOTTOM_MARGIN = 48  # paper between the last line and the cut


def _wrap(runs: list[Run], paper_dots: int) -> list[list[Run]]:
    """Split a row the way a printer does: characters that do not fit go on the next line."""
    lines: list[list[Run]] = [[]]
    used = 0
    for run in runs:
        for ch in run.text:
            dots = (1 if ch.isascii() else 2) * CELL * run.width
            if used + dots > paper_dots and used:
                lines.append([])
                used = 0
            add_char(lines[-1], ch, run.width, run.height, run.bold)
            used += dots
    return lines


def _row_images(row: Row, paper_dots: int) -> list[tuple[Image.Image, str]]:
    if isinstance(row.image, QrCode):
        return [(row.image.image().convert("L"), row.align)]
    if row.image is not None:
        return [(row.image.convert("L"), row.align)]
    if not row.runs:
        return [(Image.new("L", (1, row.feed_dots), 255), "left")]
    out = []
    for runs in _wrap(row.runs, paper_dots):
        parts = [draw_run(r.text, r.width, r.height, r.bold) for r in runs]
        height = max(p.height for p in parts)
        line = Image.new("L", (sum(p.width for p in parts), height + LINE_GAP), 255)
        x = 0
        for part in parts:  # runs of different sizes share a baseline
            line.paste(part, (x, height - part.height))
            x += part.width
        out.append((line, row.align))
    return out


def draw(ticket: Ticket, paper_dots: int = DOTS_80MM) -> Image.Image:
    pieces = [piece for row in ticket.rows for piece in _row_images(row, paper_dots)]
    height = TOP_MARGIN + sum(img.height for img, _ in pieces) + BOTTOM_MARGIN
    page = Image.new("L", (paper_dots, height), 255)
    y = TOP_MARGIN
    for img, align in pieces:
        x = {"left": 0, "center": (paper_dots - img.width) // 2,
             "right": paper_dots - img.width}[align]
        page.paste(img.crop((0, 0, min(img.width, paper_dots), img.height)), (max(0, x), y))
        y += img.height
    return page.point(lambda v: 0 if v < 128 else 255, mode="1")
