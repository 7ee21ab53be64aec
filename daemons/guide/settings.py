"""The guide daemon's section of the hall config: ``[guide]``."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class GuideSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seed_file: str | None = Field(None, description=(
        "a guide file that `hallctl up` imports each time it starts the hall (the demo's "
        "sample); relative to the config file. A hall box imports with `hallctl guide import`"))
