"""Ids that sort by time and cannot be guessed.

The first 11 hex digits are epoch milliseconds, the rest random. A new id lands at
the right-hand edge of the index that keys on it, so a commit of many new rows
writes a page or two there instead of one page per row: random ids scatter over
the whole index, and every page they touch is written to the WAL and fsynced.
"""

from __future__ import annotations

import secrets


def ordered_id(at: float, random_bytes: int = 8) -> str:
    """``at`` (epoch seconds) as 11 hex digits of milliseconds, then ``random_bytes``
    random bytes in hex."""
    return f"{round(at * 1000):011x}{secrets.token_hex(random_bytes)}"
