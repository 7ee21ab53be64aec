"""Clerk PINs as the hall config keeps them: salted PBKDF2, never the PIN itself.

``pbkdf2_sha256$<iterations>$<salt hex>$<hash hex>``, made by ``hallctl clerk pin-hash``.
A 4–6 digit PIN cannot resist a search by someone who holds the config file; the
hash keeps it from being read off a screen or a backup at a glance, and the
iteration count keeps a login under ~20 ms on the hall server.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

ITERATIONS = 60_000
PIN = re.compile(r"^[0-9]{4,6}$")
PIN_HASH = re.compile(r"^pbkdf2_sha256\$([0-9]{4,7})\$([0-9a-f]{32})\$([0-9a-f]{64})$")


def hash_pin(pin: str, iterations: int = ITERATIONS) -> str:
    if not PIN.match(pin):
        raise ValueError("a PIN has 4 to 6 digits (what a keypad LED can take)")
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, iterations)
    return f"pbkdf2_sha256${iterations}${salt.hex()}${digest.hex()}"


def check_pin(pin: str | None, stored: str) -> bool:
    match = PIN_HASH.match(stored)
    if pin is None or match is None:
        return False
    iterations, salt, want = int(match[1]), bytes.fromhex(match[2]), bytes.fromhex(match[3])
    return hmac.compare_digest(hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, iterations), want)
