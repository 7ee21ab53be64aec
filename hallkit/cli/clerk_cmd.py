"""hallctl clerk pin-hash: the line a [[clerks]] entry keeps instead of the PIN itself."""

from __future__ import annotations

import getpass
import sys

from hallkit.pins import hash_pin


def register(sub) -> None:
    clerk = sub.add_parser("clerk", help="clerk PINs").add_subparsers(
        dest="clerk_command", required=True, metavar="ACTION")
    pin = clerk.add_parser("pin-hash", help="read a PIN (4-6 digits) and print its pin_hash line",
                           description="Reads the PIN from the terminal without echo (or one line "
                                       "from standard input) and prints `pin_hash = \"…\"` for the "
                                       "clerk's [[clerks]] entry in the hall config.")
    pin.set_defaults(func=run_pin_hash)


def run_pin_hash(args) -> int:
    if sys.stdin.isatty():
        pin = getpass.getpass("PIN: ")
        if getpass.getpass("again: ") != pin:
            print("hallctl clerk: the two PINs differ; nothing printed", file=sys.stderr)
            return 1
    else:
        pin = sys.stdin.readline().strip()
    try:
        print(f'pin_hash = "{hash_pin(pin)}"')
    except ValueError as exc:
        print(f"hallctl clerk: {exc}", file=sys.stderr)
        return 65  # EX_DATAERR
    return 0
