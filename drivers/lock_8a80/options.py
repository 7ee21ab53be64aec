"""Hall-config options of the 8A/80 lock board family (what varies between vendors)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from hallkit.plugins.family import Options


class Lock8A80Options(Options):
    open_level: Literal["11", "00"] = Field("11", description=(
        "the state byte that means 'door open' (most boards 11; some vendors' sheets say 00)"))
    bitmask_order: Literal["high-first", "low-first"] = Field("high-first", description=(
        "how 'query all' packs the locks: high-first (D3 = locks 8-1) or low-first (D1 = locks 1-8)"))
    reports: bool = Field(False, description="the board sends 81 frames when a door changes")
