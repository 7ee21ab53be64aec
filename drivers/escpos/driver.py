"""One ticket printer: status polls and print jobs over a connector, reconnecting on
its own. Blocking; the printer daemon runs it in a worker thread per printer.

Only ``unreachable`` (no reply in time, or the link failed) drops the link; the
next poll or job opens it again, so an unplugged and replugged printer comes back
without a restart.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable

import usb.core
from escpos.exceptions import Error as EscposError

from hallkit.drivers.escpos.status import (
    ERROR_CAUSE,
    REQUESTS,
    PrinterStatus,
    classify,
    needs_error_cause,
)

log = logging.getLogger(__name__)
STATUS_TIMEOUT_S = 0.5
LINK_ERRORS = (OSError, usb.core.USBError, EscposError, ValueError)


class EscposPrinter:
    def __init__(self, make_link: Callable[[], object | None], *, reads_status: bool = True,
                 status_timeout: float = STATUS_TIMEOUT_S) -> None:
        self.make_link = make_link
        self.reads_status = reads_status
        self.status_timeout = status_timeout
        self.link = None

    def _open(self) -> str | None:
        """Open the link if it is not; a reason when it cannot be."""
        if self.link is not None:
            return None
        try:
            link = self.make_link()
            if link is None:
                return "simulator not running"
            link.open()
        except LINK_ERRORS as exc:
            return f"cannot open: {exc}".strip().replace("\n", " ")
        self.link = link
        return None

    def drop(self) -> None:
        if self.link is not None:
            with contextlib.suppress(*LINK_ERRORS):
                self.link.close()
            self.link = None

    def poll(self) -> PrinterStatus:
        reason = self._open()
        if reason:
            return PrinterStatus("unreachable", reason)
        if not self.reads_status:
            return PrinterStatus("ok", "status not read (status = false)")
        try:
            self.link.discard_input()  # a late reply to an earlier poll is not this one's
            replies = {}
            for request in REQUESTS:
                self.link.write(request)
                replies[request] = self.link.read_byte(self.status_timeout)
                if replies[request] is None:
                    break
            if needs_error_cause(replies):  # which error: only DLE EOT 3 tells
                self.link.write(ERROR_CAUSE)
                replies[ERROR_CAUSE] = self.link.read_byte(self.status_timeout)
        except LINK_ERRORS as exc:
            self.drop()
            return PrinterStatus("unreachable", f"link failed: {exc}")
        status = classify(replies)
        if status.condition == "unreachable":
            self.drop()
        return status

    def print(self, data: bytes) -> PrinterStatus:
        """Send a job; the status after it says whether the printer took it."""
        reason = self._open()
        if reason:
            return PrinterStatus("unreachable", reason)
        try:
            self.link.write(data)
        except LINK_ERRORS as exc:
            self.drop()
            return PrinterStatus("unreachable", f"link failed while printing: {exc}")
        return self.poll()

    def close(self) -> None:
        self.drop()
