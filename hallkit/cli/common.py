"""What several hallctl commands share: loading the config, exit codes."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hallkit.config.issues import ConfigError
from hallkit.config.load import load_config, unwritable_storage
from hallkit.config.model import HallConfig

EX_CONFIG = 78
EX_UNAVAILABLE = 69

ETC_CONFIG = Path("/etc/hallkit/hall.toml")  # where a hall box keeps its config
# The demo hall of this installation (a clone), so its commands work from any folder.
DEMO_CONFIG = Path(__file__).resolve().parent.parent.parent / "config" / "demo-hall.toml"


def find_config() -> Path:
    """The hall config when none is given: $HALLKIT_CONFIG when set (a missing file is then an
    error, never a fallback), else /etc/hallkit/hall.toml, else the demo hall next to this
    installation; exit 78 naming the places tried."""
    env = os.environ.get("HALLKIT_CONFIG")
    if env:
        return Path(env)
    for path in (ETC_CONFIG, DEMO_CONFIG):
        if path.is_file():
            return path
    print(f"hallctl: no hall config given and none found; tried $HALLKIT_CONFIG (not set), "
          f"{ETC_CONFIG}, {DEMO_CONFIG}; give one with -c FILE", file=sys.stderr)
    raise SystemExit(EX_CONFIG)



def config_or_exit(path: str | Path) -> HallConfig:
    try:
        return load_config(path)
    except ConfigError as exc:
        for issue in exc.issues:
            print(issue.format(exc.file), file=sys.stderr)
        print(f"{len(exc.issues)} problem(s) in {exc.file}; nothing was started", file=sys.stderr)
        raise SystemExit(EX_CONFIG) from None


def storage_or_exit(cfg: HallConfig) -> None:
    """For what writes the hall's data (daemons, `up`): refuse a storage folder this user
    cannot make or write, in one line, exit 78. Read-only commands do not ask."""
    problem = unwritable_storage(cfg.storage_path)
    if problem:
        print(f"{cfg._source}: storage_dir: {problem}; nothing was started", file=sys.stderr)
        raise SystemExit(EX_CONFIG)


def add_config_arg(parser, positional: bool = False) -> None:
    where = "$HALLKIT_CONFIG, /etc/hallkit/hall.toml or this installation's demo hall"
    if positional:
        parser.add_argument("config", nargs="?", default=None, help=f"hall config (default {where})")
    else:
        parser.add_argument("--config", "-c", default=None, help=f"hall config (default {where})")
