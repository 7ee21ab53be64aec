"""Hall-config options of the ``escpos`` family, checked by `hallctl config check`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from hallkit.drivers.escpos.layout import DOTS_58MM, DOTS_80MM

# Light on purpose: config check loads it; python-escpos (half a second) only when printing.
ChineseMode = Literal["fs", "none", "raster"]
CHINESE_MODES: tuple[str, ...] = ChineseMode.__args__

PAPER = {80: DOTS_80MM, 58: DOTS_58MM}
OPTIONS = ("chinese_mode", "paper_width", "qr_native", "qr_module", "cut", "status")


@dataclass(frozen=True)
class PrinterOptions:
    chinese_mode: str = "fs"  # fs: FS & + GB18030; none: bare GB18030; raster: text as images
    paper_width: int = 80  # mm
    qr_native: bool = True  # GS ( k; false: the QR goes out as an image
    qr_module: int = 6  # dots per QR module
    cut: bool = True  # false for printers with a tear bar
    status: bool = True  # false: the link cannot read back (a one-way /dev/usb/lp0)

    def encoder(self):
        from hallkit.drivers.escpos.encode import Encoder

        return Encoder(self.chinese_mode, self.qr_native, PAPER[self.paper_width], self.cut)


def check_options(options: dict) -> list[tuple[str, str]]:
    problems = []
    mode = options.get("chinese_mode", "fs")
    if mode not in CHINESE_MODES:
        problems.append(("chinese_mode", f"{mode!r} is not one of {', '.join(CHINESE_MODES)} "
                                         "(fs: FS & + GB18030, none: printer already in Chinese "
                                         "mode, raster: print text as images)"))
    if options.get("paper_width", 80) not in PAPER:
        problems.append(("paper_width", "paper width is 80 or 58 (mm)"))
    module = options.get("qr_module", 6)
    if not isinstance(module, int) or isinstance(module, bool) or not 3 <= module <= 10:
        problems.append(("qr_module", "QR module size is a whole number of dots, 3 to 10"))
    for flag in ("qr_native", "cut", "status"):
        if not isinstance(options.get(flag, True), bool):
            problems.append((flag, f"{flag} is true or false"))
    return problems


def printer_options(options: dict) -> PrinterOptions:
    """Options of a checked config (check_options found nothing)."""
    return PrinterOptions(**{k: v for k, v in options.items() if k in OPTIONS})
