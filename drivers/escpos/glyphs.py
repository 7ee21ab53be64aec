"""Drawing printer text with a CJK font (Pillow): for ``chinese_mode = "raster"`` and for
the simulator's picture of a ticket.

Noto Sans Mono CJK has half-width Latin exactly half an ideograph wide, like a
printer's font A (12 x 24 and 24 x 24 dots), so columns line up as on paper.
"""

from __future__ import annotations

import functools
import shutil
import subprocess

from PIL import Image, ImageDraw, ImageFont

from hallkit.drivers.escpos.layout import CELL, cells

LINE_DOTS = 24  # font A height
_FALLBACK = "/usr/share/fonts/opentype/noto/NotoSansCJK-{}.ttc"


class FontMissing(RuntimeError):
    pass


@functools.cache
def _font_file(bold: bool) -> tuple[str, int]:
    pattern = f"Noto Sans Mono CJK SC:style={'Bold' if bold else 'Regular'}"
    if shutil.which("fc-match"):
        out = subprocess.run(["fc-match", "-f", "%{file}\n%{index}", pattern],
                             capture_output=True, text=True, check=False).stdout.split("\n")
        if len(out) == 2 and "CJK" in out[0]:
            return out[0], int(out[1])
    path = _FALLBACK.format("Bold" if bold else "Regular")
    try:
        with open(path, "rb"):
            return path, 7  # the Mono SC face in Debian's collection
    except OSError:
        raise FontMissing("no CJK font for printing Chinese: install fonts-noto-cjk "
                          "(scripts/bootstrap does)") from None


@functools.cache
def font(px: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    path, index = _font_file(bold)
    return ImageFont.truetype(path, px, index=index)


@functools.lru_cache(maxsize=8192)
def _glyph(ch: str, height: int, bold: bool) -> Image.Image:
    """One character in its cell at size factor ``height`` (square), drawn once and reused:
    a ticket repeats the same few hundred characters."""
    px = LINE_DOTS * height
    size = round(px * 0.92)  # a little air between lines, as the printer's font has
    baseline = (px - size) / 2 + size * 0.88  # the ideographic em box sits on it
    cell = (1 if ch.isascii() else 2) * CELL * height
    img = Image.new("L", (cell, px), 255)
    if not ch.isspace():
        ImageDraw.Draw(img).text((cell / 2, baseline), ch, font=font(size, bold), fill=0, anchor="ms")
    return img


def draw_run(text: str, width: int = 1, height: int = 1, bold: bool = False) -> Image.Image:
    """One run of text as the printer draws it: grayscale L, black on white, each character
    in its cell (12·width dots per half-width character, 24·height dots tall)."""
    img = Image.new("L", (max(1, cells(text) * CELL * height), LINE_DOTS * height), 255)
    x = 0
    for ch in text:
        glyph = _glyph(ch, height, bold)
        img.paste(glyph, (x, 0))
        x += glyph.width
    if width != height:  # drawn square, then stretched like the printer's GS ! width factor
        img = img.resize((cells(text) * CELL * width, img.height), Image.Resampling.BILINEAR)
    return img


def text_line(text: str, paper_dots: int, *, width: int = 1, height: int = 1, bold: bool = False,
              align: str = "left") -> Image.Image:
    """A whole printed line, ``paper_dots`` wide, 1-bit like a thermal head."""
    run = draw_run(text, width, height, bold)
    line = Image.new("L", (paper_dots, run.height), 255)
    x = {"left": 0, "center": (paper_dots - run.width) // 2, "right": paper_dots - run.width}[align]
    line.paste(run, (max(0, x), 0))
    return line.point(lambda v: 0 if v < 128 else 255, mode="1")
