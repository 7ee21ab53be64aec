"""Hall-config options of window displays, typed; `hallctl config check` validates them."""

from __future__ import annotations

from pydantic import Field, field_validator

from hallkit.drivers.modbus_window.codec import LINE_BYTES
from hallkit.gb2312 import outside_gb2312
from hallkit.plugins.family import Options

WELCOME = "欢迎光临"


def gb2312_text(value: str) -> str:
    """LED fonts hold GB2312 only (protocol file): refuse text they cannot show, naming it."""
    bad = outside_gb2312(value)
    if bad:
        raise ValueError(f"{bad} cannot be shown on LED window displays "
                         "(their fonts hold GB2312 only); use another character")
    return value


class ModbusWindowOptions(Options):
    blink_seconds: int = Field(10, ge=0, le=255, description="how long a call blinks")
    brightness: int = Field(8, ge=0, le=15, description="LED brightness, 0–15")
    welcome: str = Field(WELCOME, min_length=1, description=(
        "shown while the window is open and idle: GB2312, one LED line (32 bytes: 16 Chinese "
        "characters)"))

    @field_validator("welcome")
    @classmethod
    def _fits_a_line(cls, value: str) -> str:
        size = len(gb2312_text(value).encode("gb2312"))
        if size > LINE_BYTES:
            raise ValueError(f"is {size} bytes in GB2312; an LED line holds {LINE_BYTES} "
                             "(16 Chinese characters)")
        return value
