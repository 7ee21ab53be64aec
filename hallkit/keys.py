"""Secret keys a daemon hashes personal data with: one file each in the credentials folder
(mode 0600), apart from the database, so a copy of the database alone cannot be tried
against a guessed ID number."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path


def keyed_hash(key: bytes, text: str) -> str:
    """HMAC-SHA256 of ``text`` as hex: what is kept instead of an ID number, a phone's
    digits or a pickup code."""
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def key_file(path: Path) -> bytes:
    """The key in ``path``, made at random the first time."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it meanwhile
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32) + "\n")
    return bytes.fromhex(path.read_text().strip())
