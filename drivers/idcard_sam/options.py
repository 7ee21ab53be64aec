"""Hall-config options of SAM ID card readers, typed; `hallctl config check` validates them."""

from __future__ import annotations

from pydantic import Field

from hallkit.plugins.family import Options


class SamReaderOptions(Options):
    poll_ms: int = Field(400, ge=300, le=500, description=(
        "how often a card is looked for (the protocol asks for 300-500 ms)"))
