"""The locker daemon's section of the hall config: ``[locker]`` (24小时自助文件柜)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class SmsSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    backend: Literal["file", "http", "modem"] = Field("file", description=(
        "file: each message appended to <storage>/sms/sent.jsonl (the demo, tests); http: a "
        "government SMS platform or carrier MAS gateway taking a template; modem: a USB 4G/GSM "
        "modem's AT port (PDU mode, UCS-2)"))
    url: str | None = Field(None, pattern=r"^https?://\S+$", description="http: the gateway's send URL")
    template_id: str | None = Field(None, max_length=64, description="http: the approved template's id")
    signature: str = Field("清河县政务服务中心", max_length=20, description="the 【签名】 a message carries")
    account: str | None = Field(None, max_length=64, description="http: the account name")
    password_file: str | None = Field(None, description="http: a file holding the account's secret")
    ok_pattern: str | None = Field(None, max_length=200, description=(
        "http: a regular expression the gateway's answer must match for a message to count as "
        "sent (e.g. '\"code\"\\s*:\\s*\"?0\\b'); none: any 2xx answer counts"))
    timeout_s: float = Field(5.0, ge=1, le=60)
    modem_port: str | None = Field(None, description=(
        "modem: its AT port, best by a stable name (/dev/serial/by-id/usb-…-if02-port0)"))
    modem_baud: int = Field(115200, ge=9600, le=921600)
    pin_file: str | None = Field(None, description="modem: a file holding the SIM's PIN, if it has one")

    @field_validator("ok_pattern")
    @classmethod
    def _compiles(cls, pattern: str | None) -> str | None:
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"not a regular expression: {exc}") from None
        return pattern

    @model_validator(mode="after")
    def _backend_has_what_it_needs(self) -> SmsSettings:
        if self.backend == "http" and not self.url:
            raise ValueError("backend http needs url")
        if self.backend == "modem" and not self.modem_port:
            raise ValueError("backend modem needs modem_port")
        return self


class LockerSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    close_within_s: int = Field(60, ge=10, le=600, description=(
        "a door opened for a deposit or drop-off must be shut again within this, or the "
        "deposit is not recorded; a door open this long raises the left-open alarm"))
    code_digits: int = Field(6, ge=6, le=10)
    reminder_days: int = Field(3, ge=1, le=30, description="an uncollected item's reminder SMS")
    overdue_days: int = Field(7, ge=1, le=90, description=(
        "then its code is dead and staff are told to take it back"))
    wrong_codes: int = Field(5, ge=3, le=20, description="wrong codes a kiosk may type before a lock")
    wrong_lock_min: int = Field(10, ge=1, le=1440)
    id_last4: bool = Field(False, description=(
        "a pickup also asks for the last 4 characters of the ID number given at deposit"))
    staff_session_min: int = Field(10, ge=1, le=120, description="a staff login at a kiosk lasts this")
    sms: SmsSettings = SmsSettings()
