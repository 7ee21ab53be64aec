"""Blocks → ESC/POS bytes, per the printer's ``chinese_mode``.

python-escpos generates QR codes, images and alignment; the two things it gets
wrong for Chinese tickets are written here: Chinese text goes out as GB18030
between ``FS &`` and ``FS .`` (its ``text()`` sends bare GB18030 and turns
full-width punctuation into ``?``), and sizes are reset with ``GS ! 0`` because
``ESC !`` leaves Chinese enlarged. The cut feeds first (``GS V 66 0``).
"""

from __future__ import annotations

from dataclasses import dataclass

from escpos.constants import QR_ECLEVEL_M
from escpos.printer import Dummy

from hallkit.drivers.escpos.layout import CELL, DOTS_80MM, Block, Feed, Qr, Rule, Text
from hallkit.drivers.escpos.options import ChineseMode

INIT = b"\x1b\x40"
FS_ON, FS_OFF = b"\x1c\x26", b"\x1c\x2e"
FEED_AND_CUT = b"\x1d\x56\x42\x00"
NORMAL_SIZE = b"\x1d\x21\x00"


def size_byte(width: int, height: int) -> bytes:
    if not (1 <= width <= 8 and 1 <= height <= 8):
        raise ValueError(f"character size {width}x{height} is outside 1..8")
    return b"\x1d\x21" + bytes([(width - 1) << 4 | (height - 1)])


@dataclass(frozen=True)
class Encoder:
    chinese_mode: ChineseMode = "fs"
    qr_native: bool = True
    paper_dots: int = DOTS_80MM
    cut: bool = True

    @property
    def columns(self) -> int:
        return self.paper_dots // CELL

    def encode(self, blocks: list[Block]) -> bytes:
        p = Dummy()
        # Known width: python-escpos prints a warning to stdout on every image otherwise.
        p.profile.profile_data["media"]["width"]["pixels"] = self.paper_dots
        p._raw(INIT)
        for block in blocks:
            if isinstance(block, Text):
                self._text(p, block)
            elif isinstance(block, Qr):
                p.set(align=block.align)
                p.qr(block.data, ec=QR_ECLEVEL_M, size=block.module, native=self.qr_native,
                     center=False)
                if self.qr_native:
                    p._raw(b"\n")
            elif isinstance(block, Feed):
                p._raw(b"\x1b\x64" + bytes([min(255, block.lines)]))
            elif isinstance(block, Rule):
                self._text(p, Text("-" * self.columns))
        p.set(align="left", bold=False)
        if self.cut:
            p._raw(FEED_AND_CUT)
        return p.output

    def _text(self, p: Dummy, block: Text) -> None:
        if self.chinese_mode == "raster" and not block.text.isascii():
            from hallkit.drivers.escpos.glyphs import text_line  # Pillow + fonts only when needed

            p.set(align="left")
            p.image(text_line(block.text, self.paper_dots, width=block.width, height=block.height,
                              bold=block.bold, align=block.align), impl="bitImageRaster")
            return
        p.set(align=block.align, bold=block.bold)
        p._raw(size_byte(block.width, block.height))
        if block.text.isascii():
            p._raw(block.text.encode("ascii"))
        elif self.chinese_mode == "fs":
            p._raw(FS_ON + block.text.encode("gb18030") + FS_OFF)
        else:
            p._raw(block.text.encode("gb18030"))
        p._raw(b"\n" + NORMAL_SIZE)
