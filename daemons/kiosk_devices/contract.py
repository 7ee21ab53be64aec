"""What the kiosk-devices daemon says on the bus: what each kiosk's ID card reader and
scanner read, to that kiosk alone, and each device's availability."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from hallkit.contract.spec import Body, Contract, EventTopic
from hallkit.readers import REFUSED

COMPONENT = "kiosk_devices"
ID_NUMBER = r"^[0-9]{17}[0-9X]$"


class CardRead(Body):
    """A resident ID card placed on the kiosk's reader, its check digit verified. Sent at
    QoS 0 and never while the bus is down: a kiosk ignores one older than a few seconds."""

    device: str = Field(max_length=64, description="the reader's device id")
    id_number: str = Field(pattern=ID_NUMBER, description="the full number: hash or mask it at once")
    id_masked: str = Field(max_length=18, description="for the screen, e.g. 110***********0031")
    name_masked: str = Field(max_length=15, description=(
        "for the screen, e.g. 李*英 (the name itself, the birth date and the rest of the card "
        "stay in the daemon: no kiosk flow needs them)"))


class CardRefused(Body):
    """A card was placed but gave no ID: what to tell the citizen."""

    device: str = Field(max_length=64)
    reason: Literal[tuple(REFUSED)] = Field(description=", ".join(REFUSED))
    zh: str = Field(max_length=100)
    en: str = Field(max_length=100)


class Scanned(Body):
    """A code read by the kiosk's scanner (an appointment QR, a case receipt, a ticket's QR)."""

    device: str = Field(max_length=64, description="the scanner's device id")
    code: str = Field(max_length=256, description="printable ASCII")


CONTRACT = Contract(
    events=(
        EventTopic(COMPONENT, "card", CardRead, "an ID card was read at the kiosk's reader",
                   readers=("kiosk",), addressed=True),
        EventTopic(COMPONENT, "card-refused", CardRefused,
                   "a card was placed but could not be taken; the sentence to show",
                   readers=("kiosk",), addressed=True),
        EventTopic(COMPONENT, "scan", Scanned, "a code was scanned at the kiosk",
                   readers=("kiosk",), addressed=True),
    ),
)
