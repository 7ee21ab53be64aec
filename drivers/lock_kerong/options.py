"""Hall-config options of the Kerong CU lock board family."""

from __future__ import annotations

from pydantic import Field

from hallkit.plugins.family import Options


class KerongOptions(Options):
    has_ir: bool = Field(False, description="the board has an infrared 'something inside' sensor per lock")
    pulse_ms: int | None = Field(None, ge=10, le=2550, description=(
        "the unlock pulse, set on the board when the line opens (none: the board's own)"))
