"""Hall-config options of the ``escpos`` family, typed; `hallctl config check` validates them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from hallkit.drivers.escpos.layout import DOTS_58MM, DOTS_80MM
from hallkit.plugins.family import Options

# Light on purpose: config check loads it; python-escpos (half a second) only when printing.
ChineseMode = Literal["fs", "none", "raster"]

PAPER = {80: DOTS_80MM, 58: DOTS_58MM}


class PrinterOptions(Options):
    chinese_mode: ChineseMode = Field("fs", description=(
        "fs: FS & + GB18030; none: the printer is already in Chinese mode; raster: text as images"))
    paper_width: Literal[80, 58] = Field(80, description="paper width, mm")
    qr_native: bool = Field(True, description="GS ( k; false: the QR code goes out as an image")
    qr_module: int = Field(6, ge=3, le=10, description="dots per QR module")
    cut: bool = Field(True, description="false for printers with a tear bar")
    status: bool = Field(True, description="false: the link cannot read back (one-way /dev/usb/lp0)")

    @property
    def paper_dots(self) -> int:
        return PAPER[self.paper_width]

    def encoder(self):
        from hallkit.drivers.escpos.encode import Encoder

        return Encoder(self.chinese_mode, self.qr_native, self.paper_dots, self.cut)
