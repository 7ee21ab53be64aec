"""Logging for daemons and tools: stderr, one line per event, personal data masked."""

from __future__ import annotations

import logging
import sys

from hallkit.privacy import mask_text


class MaskingFilter(logging.Filter):
    """Masks ID and phone numbers in the final message, whatever put them there."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_text(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def setup_logging(name: str, level: str = "INFO", stream=None) -> None:
    """Route every logger to stderr through the masking filter; idempotent."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter(f"%(asctime)s {name} %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(MaskingFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    logging.getLogger("pymodbus").setLevel(logging.WARNING)  # it logs every frame at DEBUG
