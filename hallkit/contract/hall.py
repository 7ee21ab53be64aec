"""The hall daemon: the hall's directory (services, windows) and its notices.

UIs read the retained state instead of the config file, so a kiosk or a hall
board needs nothing but the bus.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from hallkit.contract.envelope import Payload


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ServiceInfo(_Model):
    code: str
    prefix: str
    name_zh: str
    name_en: str


class WindowInfo(_Model):
    number: int
    label_zh: str
    label_en: str
    services: list[str]


class Notice(_Model):
    id: int
    text_zh: str
    text_en: str | None = None
    until: float | None = Field(None, description="epoch seconds after which it is no longer shown")


class HallState(Payload):
    """Retained at ``hall/<hall>/hall/main/state``."""

    hall: str
    name_zh: str
    name_en: str
    open_now: bool = Field(description="inside today's opening hours")
    services: list[ServiceInfo]
    windows: list[WindowInfo]
    notices: list[Notice]


class Ping(_Model):
    """Ask the daemon to answer; used by health checks and the bus benchmark."""


class Pong(_Model):
    ts: float
    uptime_s: float


class NoticeAdd(_Model):
    text_zh: str = Field(min_length=1, max_length=200)
    text_en: str | None = Field(None, max_length=300)
    until: float | None = Field(None, description="epoch seconds; omit to keep it until removed")


class NoticeAdded(_Model):
    notice_id: int


class NoticeRemove(_Model):
    notice_id: int = Field(ge=1)


class NoticeRemoved(_Model):
    removed: bool
