"""hallctl broker acl: mosquitto password and ACL files from the hall config."""

from __future__ import annotations

from pathlib import Path

from hallkit.broker.acl import accounts, write_broker_files
from hallkit.cli.common import add_config_arg, config_or_exit


def register(sub) -> None:
    broker = sub.add_parser("broker", help="broker files").add_subparsers(
        dest="broker_command", required=True, metavar="ACTION")
    acl = broker.add_parser("acl", help="write mosquitto passwd and acl files for every client")
    add_config_arg(acl, positional=True)
    acl.add_argument("--out", type=Path, help="folder for passwd and acl (default STORAGE/broker)")
    acl.set_defaults(func=run_acl)


def run_acl(args) -> int:
    cfg = config_or_exit(args.config)
    out = args.out or cfg.storage_path / "broker"
    passwd, acl = write_broker_files(cfg, out)
    users = accounts(cfg)
    print(f"wrote {passwd} and {acl} for {len(users)} users; passwords in {cfg.credentials_path}")
    print("mosquitto.conf needs:\n"
          f"  password_file {passwd}\n  acl_file {acl}\n  allow_anonymous false")
    return 0
