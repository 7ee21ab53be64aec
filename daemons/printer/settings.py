"""The printer daemon's section of the hall config: ``[ticket]``, what a ticket shows."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from hallkit.gb2312 import outside_gb2312

QR_FIELDS = ("hall", "ticket_id", "secret", "number", "day")


def _printable(line: str) -> str:
    bad = outside_gb2312(line)
    if bad:  # ticket printers print the GB2312 set on every Chinese model
        raise ValueError(f"{bad} is outside GB2312, which is all some ticket printers can print; "
                         "use another character")
    return line


PrintableLine = Annotated[str, AfterValidator(_printable)]


class TicketTemplate(BaseModel):
    """What a printed queue ticket shows besides the ticket itself."""

    model_config = ConfigDict(extra="forbid")

    english: bool = Field(True, description="English lines under the Chinese ones")
    qr: str = Field("hallkit:ticket:{hall}:{ticket_id}:{secret}", description=(
        "what the QR code holds, e.g. 'https://zwfw.example.gov.cn/q/{ticket_id}'; {secret} lets "
        "the holder cancel the ticket at a kiosk (leave it out and only a clerk can); fields: "
        + ", ".join(f"{{{f}}}" for f in QR_FIELDS)))
    notice_zh: list[PrintableLine] | None = Field(None, description=(
        "notice lines at the foot; default: the service's no-show rule"))
    notice_en: list[str] | None = None
    show_personal: bool = Field(True, description="print the masked ID and phone number")
    print_expiry_s: int = Field(120, ge=0, le=3600, description=(
        "a ticket the printer could not print is dropped after this, not printed late"))

    @field_validator("qr")
    @classmethod
    def _qr_fields(cls, value: str) -> str:
        try:
            value.format(**{f: "x" for f in QR_FIELDS})
        except (KeyError, IndexError, ValueError) as exc:
            fields = ", ".join(f"{{{f}}}" for f in QR_FIELDS)
            raise ValueError(f"unknown field {exc} in qr; use {fields}") from None
        return value
