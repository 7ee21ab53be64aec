"""The window display's register map: pure values in and out (pymodbus does the frames).

Holding registers 0–34, written in one request: mode, blink seconds, brightness,
then two 32-byte GB2312 lines, two bytes a register, high byte first, NUL padded.
Text is cut at a character boundary, never inside a double-byte character; a
character the LED font lacks (outside GB2312) becomes □.
"""

from __future__ import annotations

from hallkit.display import Screen

MODES = {"idle": 0, "calling": 1, "serving": 2, "paused": 3, "closed": 4}
LINE_BYTES = 32
REGISTERS = 3 + 2 * LINE_BYTES // 2  # 35
HEALTH_REGISTERS = 2  # input registers: map version, status bits
MAP_VERSION = 1
MISSING = "□"


def gb2312_line(text: str, width: int = LINE_BYTES) -> bytes:
    """GB2312 bytes of ``text``, cut to ``width`` at a character boundary, NUL padded."""
    out = b""
    for ch in text:
        try:
            encoded = ch.encode("gb2312")
        except UnicodeEncodeError:
            encoded = MISSING.encode("gb2312")
        if len(out) + len(encoded) > width:
            break
        out += encoded
    return out.ljust(width, b"\0")


def registers(screen: Screen) -> list[int]:
    """The holding registers 0-34 that make a display show ``screen``."""
    if screen.mode not in MODES:
        raise ValueError(f"unknown display mode {screen.mode!r}")
    if not (0 <= screen.brightness <= 15 and 0 <= screen.blink_s <= 255):
        raise ValueError("brightness is 0–15 and blink 0–255 seconds")
    text = gb2312_line(screen.line1) + gb2312_line(screen.line2)
    return [MODES[screen.mode], screen.blink_s, screen.brightness,
            *(int.from_bytes(text[i:i + 2], "big") for i in range(0, len(text), 2))]


def screen_of(values: list[int]) -> Screen:
    """What a display shows for the registers it holds (the simulator reads it so)."""
    if len(values) < REGISTERS:
        raise ValueError(f"{len(values)} registers, not {REGISTERS}")
    mode = next((name for name, code in MODES.items() if code == values[0]), "idle")
    raw = b"".join(v.to_bytes(2, "big") for v in values[3:REGISTERS])

    def line(data: bytes) -> str:
        return data.rstrip(b"\0").decode("gb2312", errors="replace")

    return Screen(mode, line(raw[:LINE_BYTES]), line(raw[LINE_BYTES:]), values[1], values[2])
