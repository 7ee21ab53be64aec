"""The cases daemon's section of the hall config: ``[cases]``."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator


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
    lock_min: int = Field(10, ge=1, le=1440, description=(
        "how long a kiosk's case lookups stay locked; each lock within a day of the last twice "
        "as long, up to 8 times (`hallctl cases unlock KIOSK` lifts one)"))
    lookups_per_hour: int = Field(60, ge=1, le=10000, description=(
        "lookups of any outcome a kiosk may make in an hour (case numbers are made of a date and "
        "a count: this bounds walking through them)"))
    keep_days: int = Field(365, ge=7, le=3650, description=(
        "a case no import has carried for this long is forgotten"))
    seed_csv: str | None = Field(None, description=(
        "an export that `hallctl up` imports each time it starts the hall (the demo's sample; "
        "rows held already are left as they are); relative to the config file"))

    @field_validator("source")
    @classmethod
    def _installed(cls, name: str) -> str:
        from hallkit.daemons.cases.source import check_name
        return check_name(name)
