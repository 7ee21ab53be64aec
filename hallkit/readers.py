"""What a kiosk reads besides touches: the citizen's resident ID card and scanned codes
(an appointment's QR, a case receipt's barcode, a ticket's QR).

Reader and scanner families implement these ports; the kiosk-devices daemon builds one
per device from the family's declaration (``Port(cfg, link, members, on_…, on_state)``,
``members``: the device id, alone on its link) and never names a family.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

MAX_SCAN = 256  # characters of one scanned code at most


@dataclass(frozen=True)
class IdCard:
    """What the kiosk may take from a card: nothing else leaves the reader's driver."""
    name: str
    id_number: str  # 18 characters, its check digit verified
    birth: str  # YYYYMMDD
    valid_to: str  # YYYYMMDD, or 长期


# Why a placed card gave no ID (the reason codes of on_refused), as the kiosk says it.
REFUSED = {
    "hold_still": ("请将身份证放稳，不要移动", "Hold the card still on the reader"),
    "unsupported": ("此证件无法在本机读取，请手动输入",
                    "This card cannot be read here; please type the number"),
    "expired": ("身份证已过有效期，请到窗口办理", "This ID card has expired; please go to a window"),
    "misread": ("未能读清身份证，请拿起后重新放置", "The card could not be read; lift it and place it again"),
    "failed": ("读卡失败，请拿起后重新放置", "Reading failed; lift the card and place it again"),
}


class IdReaderPort(Protocol):
    """An ID card reader family's reader on its link. It calls ``on_card(device_id, card)``
    once per placing, ``on_refused(device_id, reason)`` with a key of REFUSED when a placed
    card gives no ID, and ``on_state(device_id, up, why)`` when the reader comes and goes."""

    async def run(self) -> None:
        """Poll the reader until cancelled; reopen its link when it goes."""


class ScannerPort(Protocol):
    """A scanner family's scanner on its link. It calls ``on_scan(device_id, code)`` for each
    complete code (printable ASCII, at most MAX_SCAN characters) and ``on_state``."""

    async def run(self) -> None:
        """Read codes until cancelled; reopen the link when it goes."""


OnCard = Callable[[str, IdCard], None]
OnRefused = Callable[[str, str], None]
OnScan = Callable[[str, str], None]
OnState = Callable[[str, bool, str | None], None]
