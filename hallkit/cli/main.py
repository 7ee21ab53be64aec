"""hallctl: the technician's and the supervisor's command line."""

from __future__ import annotations

import argparse
import signal
import sys

from hallkit.cli import (
    board_cmd,
    broker_cmd,
    cases_cmd,
    clerk_cmd,
    config_cmd,
    console_cmd,
    daemons_cmd,
    docs_cmd,
    guide_cmd,
    kiosk_cmd,
    locker_cmd,
    printer_cmd,
    queue_cmd,
    rating_cmd,
    run_cmd,
    sim_cmd,
    status_cmd,
    up_cmd,
    voice_cmd,
)
from hallkit.cli.common import find_config


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hallctl", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (config_cmd, run_cmd, daemons_cmd, up_cmd, status_cmd, queue_cmd, printer_cmd, sim_cmd,
                   console_cmd, kiosk_cmd, board_cmd, cases_cmd, guide_cmd, voice_cmd, locker_cmd, rating_cmd,
                   clerk_cmd, broker_cmd, docs_cmd):
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `hallctl … | head` ends quietly
    args = build_parser().parse_args(argv)
    if getattr(args, "config", False) is None:
        args.config = find_config()
    try:
        return args.func(args) or 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
