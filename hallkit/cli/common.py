"""What several hallctl commands share: loading the config, exit codes."""

from __future__ import annotations

import sys
from pathlib import Path

from hallkit.config.issues import ConfigError
from hallkit.config.load import load_config
from hallkit.config.model import HallConfig

EX_CONFIG = 78
EX_UNAVAILABLE = 69

DEFAULT_CONFIG = "config/demo-hall.toml"



def config_or_exit(path: str | Path) -> HallConfig:
    try:
        return load_config(path)
    except ConfigError as exc:
        for issue in exc.issues:
            print(issue.format(exc.file), file=sys.stderr)
        print(f"{len(exc.issues)} problem(s) in {exc.file}; nothing was started", file=sys.stderr)
        raise SystemExit(EX_CONFIG) from None


def add_config_arg(parser, positional: bool = False) -> None:
    if positional:
        parser.add_argument("config", nargs="?", default=DEFAULT_CONFIG,
                            help=f"hall config (default {DEFAULT_CONFIG})")
    else:
        parser.add_argument("--config", "-c", default=DEFAULT_CONFIG,
                            help=f"hall config (default {DEFAULT_CONFIG})")
