"""hallctl broker acl: mosquitto password, ACL and listener files from the hall config."""

from __future__ import annotations

import sys
from pathlib import Path

from hallkit.broker.acl import accounts, write_broker_files
from hallkit.broker.mosquitto import access_lines
from hallkit.cli.common import add_config_arg, config_or_exit

NO_TLS = """\
# This listener is plain text: keep it on 127.0.0.1. For kiosk PCs and tablets on the
# hall's network set [bus.tls] (ca, server_cert, server_key) in the hall config and run
# `hallctl broker acl` again: the listener then speaks TLS only (docs/security.md).
"""


def register(sub) -> None:
    broker = sub.add_parser("broker", help="broker files").add_subparsers(
        dest="broker_command", required=True, metavar="ACTION")
    acl = broker.add_parser("acl", help="write mosquitto passwd, acl and listener files for every client")
    add_config_arg(acl, positional=True)
    acl.add_argument("--out", type=Path, help="folder for the files (default STORAGE/broker)")
    acl.set_defaults(func=run_acl)


def run_acl(args) -> int:
    cfg = config_or_exit(args.config)
    tls = cfg.bus.tls
    if tls and not (tls.server_cert and tls.server_key):
        print("hallctl broker acl: [bus.tls] has no server_cert and server_key: the broker's TLS "
              "listener cannot be written (docs/security.md); nothing written", file=sys.stderr)
        return 78
    out = args.out or cfg.storage_path / "broker"
    passwd, acl = write_broker_files(cfg, out)
    conf = out / "hallkit-listeners.conf"
    base = cfg._source.parent if cfg._source else Path.cwd()
    files = (base / tls.ca, base / tls.server_cert, base / tls.server_key) if tls else None
    lines = access_lines(cfg.bus.host, cfg.bus.port, passwd, acl, cfg.bus.ops_socket, files)
    conf.write_text("# written by `hallctl broker acl`; edits are lost when it runs again\n"
                    + "\n".join(lines) + "\n" + ("" if tls else NO_TLS))
    users = accounts(cfg)
    print(f"wrote {passwd}, {acl} and {conf} for {len(users)} users; "
          f"passwords in {cfg.credentials_path}")
    print(f"then: cp {conf} /etc/mosquitto/conf.d/ && systemctl restart mosquitto "
          "(Debian's mosquitto reads that folder)")
    if cfg.bus.auth and cfg.bus.ops_socket is None:
        print("note: set [bus] ops_socket so hallctl can run more than once at a time "
              "(see docs/security.md)")
    return 0
