"""DLE EOT real-time status: the requests, and what their reply bytes mean.

Pure functions. Every reply byte has bits 1 and 4 set and bits 0 and 7 clear;
anything else is not a status reply. Paper end is checked before near end, and
either paper-end bit counts (python-escpos's own check wants both).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PrinterCondition = Literal["ok", "paper_near_end", "paper_out", "cover_open", "feed_button",
                           "cutter_error", "unrecoverable_error", "offline", "unreachable"]
CONDITIONS: tuple[str, ...] = PrinterCondition.__args__  # type: ignore[attr-defined]
PRINTABLE = frozenset({"ok", "paper_near_end"})

PRINTER_STATUS = b"\x10\x04\x01"  # bit 3: offline
OFFLINE_CAUSE = b"\x10\x04\x02"  # bit 2: cover open, 3: feed button, 5: paper end stop, 6: error
PAPER_SENSOR = b"\x10\x04\x04"  # 0x0C: near end, 0x60: paper end
ERROR_CAUSE = b"\x10\x04\x03"  # bit 3: cutter error, 5: unrecoverable; asked only after bit 6
REQUESTS = (PRINTER_STATUS, OFFLINE_CAUSE, PAPER_SENSOR)  # what a poll asks, in this order


def needs_error_cause(replies: dict[bytes, int | None]) -> bool:
    """Ask DLE EOT 3 too: the printer is offline and says an error is why."""
    online, cause = replies.get(PRINTER_STATUS), replies.get(OFFLINE_CAUSE)
    return (online is not None and cause is not None and is_status_byte(online)
            and is_status_byte(cause) and bool(online & 0x08) and bool(cause & 0x40))


def is_status_byte(value: int) -> bool:
    return value & 0x93 == 0x12


@dataclass(frozen=True)
class PrinterStatus:
    condition: PrinterCondition
    detail: str = ""

    @property
    def printable(self) -> bool:
        return self.condition in PRINTABLE


def classify(replies: dict[bytes, int | None]) -> PrinterStatus:
    """Turn the replies to REQUESTS (None: no reply in time) into one condition."""
    for request in REQUESTS:
        value = replies.get(request)
        if value is None:
            return PrinterStatus("unreachable", f"no reply to {request.hex(' ')}")
        if not is_status_byte(value):
            return PrinterStatus("unreachable", f"garbled reply 0x{value:02X} to {request.hex(' ')}")
    online, cause, paper = (replies[r] for r in REQUESTS)
    if paper & 0x60 or cause & 0x20:
        return PrinterStatus("paper_out")
    if cause & 0x04:
        return PrinterStatus("cover_open")
    if online & 0x08:
        if cause & 0x40:
            error = replies.get(ERROR_CAUSE)
            if error is None or not is_status_byte(error):
                return PrinterStatus("offline", "error; no readable error cause")
            if error & 0x20:
                return PrinterStatus("unrecoverable_error")
            if error & 0x08:
                return PrinterStatus("cutter_error")
            return PrinterStatus("offline", "recoverable error")
        if cause & 0x08:
            return PrinterStatus("feed_button")
        return PrinterStatus("offline")
    if paper & 0x0C:
        return PrinterStatus("paper_near_end")
    return PrinterStatus("ok")


def reply_for(request: int, condition: PrinterCondition) -> int | None:
    """What a printer in ``condition`` answers to DLE EOT ``request`` (the simulator's side)."""
    if condition == "unreachable":
        return None
    offline = condition not in PRINTABLE
    if request == 1:
        return 0x12 | (0x08 if offline else 0)
    if request == 2:
        return 0x12 | {"cover_open": 0x04, "paper_out": 0x20, "feed_button": 0x08,
                       "cutter_error": 0x40, "unrecoverable_error": 0x40}.get(condition, 0)
    if request == 4:
        return 0x12 | {"paper_out": 0x6C, "paper_near_end": 0x0C}.get(condition, 0)
    return 0x12 | {"cutter_error": 0x08, "unrecoverable_error": 0x20}.get(condition, 0)  # 3
