"""The simulator's printer: reads an ESC/POS byte stream the way a printer does and
lays out what lands on paper. Pure: bytes in, rows and finished tickets out.

Understood: text (GB18030 inside and outside FS &), ESC @ a E ! d J - 2 3 t M,
GS ! V B ( k (QR) v 0 (raster), FS & . !, DLE EOT. Any other command is skipped
by its known length and counted, so a stream never derails the simulator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import qrcode
from PIL import Image

ALIGNS = ("left", "center", "right")


@dataclass(frozen=True)
class Run:
    text: str
    width: int
    height: int
    bold: bool


@dataclass(frozen=True)
class QrCode:
    data: bytes
    module: int
    ec: int

    def image(self) -> Image.Image:
        """Drawn when the picture is, not while the stream is read: qrcode takes milliseconds."""
        code = qrcode.QRCode(error_correction=self.ec, box_size=self.module, border=0)
        code.add_data(self.data)
        return code.make_image().get_image().convert("1")


@dataclass
class Row:
    align: str
    runs: list[Run] = field(default_factory=list)
    image: Image.Image | QrCode | None = None  # a raster graphic, or a QR code to draw
    feed_dots: int = 0  # an empty row of this many dots

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass
class Ticket:
    rows: list[Row]
    cut: str  # "partial" or "full"; "none" for what was pending when the stream ended

    @property
    def text(self) -> str:
        """The printed text, a line per row; for tests and `hallctl sim`."""
        return "\n".join(r.text for r in self.rows if r.runs)

    @property
    def qr_codes(self) -> int:
        """QR codes the printer drew itself (GS ( k); a QR sent as an image is a raster."""
        return sum(1 for r in self.rows if isinstance(r.image, QrCode))


def add_char(runs: list[Run], ch: str, width: int, height: int, bold: bool) -> None:
    """Append a character to a line's runs, extending the last run when it looks the same."""
    last = runs[-1] if runs else None
    if last and (last.width, last.height, last.bold) == (width, height, bold):
        runs[-1] = Run(last.text + ch, width, height, bold)
    else:
        runs.append(Run(ch, width, height, bold))


class NeedMore(Exception):
    """The buffer ends inside a command: wait for more bytes."""


# Fixed-length commands that only change state we do not draw: bytes after the prefix.
_ESC_SKIP = {b"-": 1, b"2": 0, b"3": 1, b"t": 1, b"M": 1, b"G": 1, b"V": 1, b"{": 1, b"R": 1,
             b"p": 3, b"=": 1, b" ": 1, b"%": 1, b"c": 2, b"U": 1}
_GS_SKIP = {b"B": 1, b"L": 2, b"W": 2, b"h": 1, b"w": 1, b"H": 1, b"f": 1, b"a": 1, b"b": 1}
_FS_SKIP = {b"C": 1, b"-": 1, b"W": 1, b"S": 2}


class PaperModel:
    """Feed bytes; rows accumulate until a cut, then ``on_ticket`` gets the Ticket.
    ``on_status(n)`` answers DLE EOT n (the simulator writes its reply byte)."""

    def __init__(self, on_ticket: Callable[[Ticket], None],
                 on_status: Callable[[int], None] = lambda n: None) -> None:
        self.on_ticket = on_ticket
        self.on_status = on_status
        self.buf = bytearray()
        self.rows: list[Row] = []
        self.unknown = 0  # commands skipped
        self._reset()

    def _reset(self) -> None:
        self.align = "left"
        self.bold = False
        self.latin = (1, 1)  # size of half-width text: GS ! and ESC ! set it
        self.cjk = (1, 1)  # size of Chinese text: GS ! and FS ! set it; ESC ! does not
        self.chinese = False
        self.qr_data = b""
        self.qr_module = 3
        self.qr_ec = qrcode.constants.ERROR_CORRECT_L
        self.line: list[Run] = []
        self.line_align: str | None = None

    # -- input --------------------------------------------------------------------------
    def feed(self, data: bytes) -> None:
        self.buf += data
        while self.buf:
            try:
                used = self._step()
            except NeedMore:
                return
            del self.buf[:used]

    def end(self) -> Ticket | None:
        """The stream ended (connection closed): what is on paper but not cut."""
        self._newline(only_if_pending=True)
        if not self.rows:
            return None
        ticket, self.rows = Ticket(self.rows, "none"), []
        return ticket

    def _need(self, n: int) -> bytes:
        if len(self.buf) < n:
            raise NeedMore
        return bytes(self.buf[:n])

    def _step(self) -> int:
        b = self.buf[0]
        if b == 0x1B:
            return self._esc()
        if b == 0x1D:
            return self._gs()
        if b == 0x1C:
            return self._fs()
        if b == 0x10:
            return self._dle()
        if b == 0x0A:
            self._newline()
            return 1
        if b == 0x09:
            self._text(" " * (8 - len("".join(r.text for r in self.line)) % 8))
            return 1
        if b < 0x20:
            return 1  # CR and other controls: nothing to draw
        return self._text_bytes()

    def _text_bytes(self) -> int:
        """Printable bytes up to the next control byte, stopping before a GB18030
        character the chunk cut in half."""
        i, n = 0, len(self.buf)
        while i < n and self.buf[i] >= 0x20:
            b = self.buf[i]
            size = 1 if b < 0x81 or b == 0xFF else 4 if i + 1 < n and 0x30 <= self.buf[i + 1] <= 0x39 else 2
            if i + size > n:
                if i == 0:
                    raise NeedMore
                break
            i += size
        self._text(bytes(self.buf[:i]).decode("gb18030", errors="replace"))
        return i

    def _text(self, text: str) -> None:
        if self.line_align is None:
            self.line_align = self.align
        for ch in text:
            add_char(self.line, ch, *(self.latin if ch.isascii() else self.cjk), self.bold)

    def _newline(self, only_if_pending: bool = False) -> None:
        if self.line:
            self.rows.append(Row(self.line_align or self.align, self.line))
        elif not only_if_pending:
            self.rows.append(Row(self.align, feed_dots=30))
        self.line, self.line_align = [], None

    def _feed(self, dots: int) -> None:
        self._newline(only_if_pending=True)
        self.rows.append(Row(self.align, feed_dots=dots))

    def _cut(self, kind: str) -> None:
        self._newline(only_if_pending=True)
        ticket, self.rows = Ticket(self.rows, kind), []
        self.on_ticket(ticket)

    # -- commands ------------------------------------------------------------------------
    def _esc(self) -> int:
        cmd = self._need(2)[1:2]
        if cmd == b"@":
            self._newline(only_if_pending=True)
            self._reset()
            return 2
        if cmd in (b"a", b"E", b"!", b"d", b"J"):
            n = self._need(3)[2]
            if cmd == b"a":
                self.align = ALIGNS[n % 48] if n % 48 < 3 else "left"
            elif cmd == b"E":
                self.bold = bool(n & 1)
            elif cmd == b"!":  # Latin only: the trap the protocol notes warn about
                self.bold = bool(n & 0x08)
                self.latin = (2 if n & 0x20 else 1, 2 if n & 0x10 else 1)
            elif cmd == b"d":
                self._feed(30 * n)
            else:
                self._feed(n)
            return 3
        return self._skip(_ESC_SKIP, cmd)

    def _gs(self) -> int:
        cmd = self._need(2)[1:2]
        if cmd == b"!":
            n = self._need(3)[2]
            self.latin = self.cjk = ((n >> 4 & 7) + 1, (n & 7) + 1)
            return 3
        if cmd == b"V":
            m = self._need(3)[2]
            if m in (65, 66):
                n = self._need(4)[3]
                self._feed(n)
                self._cut("full" if m == 65 else "partial")
                return 4
            self._cut("full" if m in (0, 48) else "partial")
            return 3
        if cmd == b"(":
            head = self._need(5)
            length = head[3] | head[4] << 8
            body = self._need(5 + length)[5:]
            if head[2:3] == b"k":
                self._qr(body)
            else:
                self.unknown += 1
            return 5 + length
        if cmd == b"v":
            head = self._need(8)
            xbytes, height = head[4] | head[5] << 8, head[6] | head[7] << 8
            data = self._need(8 + xbytes * height)[8:]
            self._raster(xbytes, height, data, head[3])
            return 8 + xbytes * height
        return self._skip(_GS_SKIP, cmd)

    def _fs(self) -> int:
        cmd = self._need(2)[1:2]
        if cmd == b"&":
            self.chinese = True
            return 2
        if cmd == b".":
            self.chinese = False
            return 2
        if cmd == b"!":
            n = self._need(3)[2]
            self.cjk = (2 if n & 0x04 else 1, 2 if n & 0x08 else 1)
            return 3
        return self._skip(_FS_SKIP, cmd)

    def _skip(self, lengths: dict[bytes, int], cmd: bytes) -> int:
        """A command we do not draw: its known length, or just its two bytes (counted)."""
        if cmd in lengths:
            self._need(2 + lengths[cmd])
            return 2 + lengths[cmd]
        self.unknown += 1
        return 2

    def _dle(self) -> int:
        cmd = self._need(2)[1]
        if cmd == 0x04:
            self.on_status(self._need(3)[2])
            return 3
        if cmd == 0x14:
            self._need(5)
            return 5
        return 1

    def _qr(self, body: bytes) -> None:
        if len(body) < 2 or body[0] != 0x31:
            self.unknown += 1
            return
        fn, args = body[1:2], body[2:]
        if fn == b"C" and args:
            self.qr_module = max(1, min(16, args[0]))
        elif fn == b"E" and args:
            self.qr_ec = (qrcode.constants.ERROR_CORRECT_L, qrcode.constants.ERROR_CORRECT_M,
                          qrcode.constants.ERROR_CORRECT_Q, qrcode.constants.ERROR_CORRECT_H
                          )[(args[0] - 48) % 4]
        elif fn == b"P":
            self.qr_data = args[1:]
        elif fn == b"Q" and self.qr_data:
            self._image(QrCode(self.qr_data, self.qr_module, self.qr_ec))

    def _raster(self, xbytes: int, height: int, data: bytes, mode: int) -> None:
        img = Image.frombytes("1", (xbytes * 8, height), bytes(b ^ 0xFF for b in data))
        if mode & 1:
            img = img.resize((img.width * 2, img.height))
        if mode & 2:
            img = img.resize((img.width, img.height * 2))
        self._image(img)

    def _image(self, img: Image.Image | QrCode) -> None:
        self._newline(only_if_pending=True)
        self.rows.append(Row(self.align, image=img))
