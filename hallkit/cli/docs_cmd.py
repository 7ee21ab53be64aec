"""hallctl docs bus: write (or check) docs/bus.md from the contract."""

from __future__ import annotations

import sys
from pathlib import Path

from hallkit.contract.docs import render


def register(sub) -> None:
    docs = sub.add_parser("docs", help="generated documentation").add_subparsers(
        dest="docs_command", required=True, metavar="WHAT")
    bus = docs.add_parser("bus", help="the bus contract as Markdown")
    bus.add_argument("--out", type=Path, default=Path("docs/bus.md"))
    bus.add_argument("--check", action="store_true", help="exit 1 if the file is out of date")
    bus.set_defaults(func=run_bus)


def run_bus(args) -> int:
    text = render()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is out of date: run `hallctl docs bus`", file=sys.stderr)
            return 1
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0
