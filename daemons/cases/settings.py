"""The cases daemon's section of the hall config: ``[cases]``."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class CaseSettings(BaseModel):
    """Where case lookups (办件查询) are answered from, and how hard a kiosk may guess."""

    model_config = ConfigDict(extra="forbid")

    source: str = Field("local", description=(
        "'local': the cases `hallctl cases import` brought in; or the name of an installed "
        "case source (entry point group hallkit.case_sources), e.g. a province's API"))
    source_options: dict[str, str | int | float | bool] = Field(default_factory=dict, description=(
        "passed to a plug-in source (its URL, account, timeout)"))
    failed_lookups: int = Field(5, ge=1, le=100, description=(
        "lookups that find nothing a kiosk may make within failed_window_min before it is locked"))
    failed_window_min: int = Field(10, ge=1, le=1440)
    lock_min: int = Field(10, ge=1, le=1440, description="how long a kiosk's case lookups stay locked")
    seed_csv: str | None = Field(None, description=(
        "an export that `hallctl up` imports while no case is held (the demo's sample); "
        "relative to the config file"))
