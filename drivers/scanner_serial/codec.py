"""Serial QR/barcode scanners: a code is a line of printable ASCII ended by CR. Pure.

LF after CR (or LF alone) is taken too; a line over MAX_SCAN characters or with bytes
outside printable ASCII is dropped whole and counted, and so are bytes that wait more
than 300 ms for the rest of their line (noise when a scanner is plugged in, not a scan).
"""

from __future__ import annotations

from hallkit.readers import MAX_SCAN


def encode(code: str) -> bytes:
    """What a scanner sends for ``code`` (the simulator's side)."""
    return code.encode("ascii") + b"\r"


GAP_S = 0.3


class LineDecoder:
    def __init__(self) -> None:
        self.buf = bytearray()
        self.too_long = False
        self.last = 0.0
        self.dropped: dict[str, int] = {}

    def reset(self) -> None:
        """The port was reopened: whatever came before is no part of the next code."""
        self.buf.clear()
        self.too_long = False

    def feed(self, data: bytes, now: float = 0.0) -> list[str]:
        """The codes ``data`` completes; ``now``: when it came (monotonic seconds)."""
        if self.buf and now - self.last > GAP_S:
            self._drop("a partial line that never ended")
            self.reset()
        self.last = now
        codes = []
        for byte in data:
            if byte in (0x0D, 0x0A):
                code = self._end()
                if code:
                    codes.append(code)
            elif len(self.buf) >= MAX_SCAN:
                self.too_long = True
            else:
                self.buf.append(byte)
        return codes

    def _end(self) -> str | None:
        raw, too_long = bytes(self.buf), self.too_long
        self.buf.clear()
        self.too_long = False
        if too_long:
            self._drop(f"longer than {MAX_SCAN} characters")
            return None
        if not raw:
            return None  # the LF of a CR LF, or an empty scan
        if any(b < 0x20 or b > 0x7E for b in raw):
            self._drop("not printable ASCII")
            return None
        return raw.decode("ascii")

    def _drop(self, why: str) -> None:
        self.dropped[why] = self.dropped.get(why, 0) + 1
