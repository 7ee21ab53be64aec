"""The rating daemon's section of the hall config: ``[rating]`` (好差评)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, model_validator

DEFAULT_REASONS = ["等候时间长", "办理时间长", "服务态度不好", "一次告知不清楚", "需要多次跑腿",
                   "材料要求多", "其他"]


class UploadSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    uploader: str = Field("none", max_length=40, description=(
        "none: ratings stay in the hall (the daily files); http: each rating posted as JSON to "
        "`url`; or an uploader plug-in's name (entry point group hallkit.rating_uploaders)"))
    url: str | None = Field(None, pattern=r"^https?://\S+$", description="http: the platform's endpoint")
    token_file: str | None = Field(None, description=(
        "http: a file holding the bearer token, beside the config"))
    timeout_s: float = Field(10.0, ge=1, le=120)
    retry_s: float = Field(5.0, ge=0.5, le=600, description=(
        "the first wait after a failed upload; each next one twice as long, up to 15 min"))

    @model_validator(mode="after")
    def _http_has_url(self) -> UploadSettings:
        if self.uploader == "http" and not self.url:
            raise ValueError("uploader http needs url")
        return self


class RatingSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    timeout_s: int = Field(60, ge=10, le=600, description="how long a window's rating stays open")
    record_unrated: bool = Field(False, description=(
        "a service nobody rated within timeout_s is recorded as 未评价 (never as a good rating)"))
    reasons: list[str] = Field(default_factory=lambda: list(DEFAULT_REASONS), min_length=1, max_length=12,
                               description="the reasons a bad rating (1–2) offers on devices that show them")
    comment_max: int = Field(200, ge=0, le=500, description="a comment's length kept")
    follow_up_days: int = Field(15, ge=1, le=60, description="working days to answer a bad rating (整改)")
    follow_up_owner: str = Field("值班主任", min_length=1, max_length=40,
                                 description="who a new follow-up is assigned to until someone takes it")
    holidays: list[date] = Field(default_factory=list, description="public holidays: not working days")
    workdays: list[date] = Field(default_factory=list, description=(
        "weekend days worked in lieu (调休): working days"))
    upload: UploadSettings = UploadSettings()
