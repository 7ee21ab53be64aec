"""hallctl broker acl: mosquitto password, ACL and listener files from the hall config."""

from __future__ import annotations

from pathlib import Path

from hallkit.broker.acl import accounts, write_broker_files
from hallkit.broker.mosquitto import access_lines
from hallkit.cli.common import add_config_arg, config_or_exit

TLS_HINT = """\
# Clients off this box (kiosk PCs, tablets) connect over TLS instead; see docs/security.md:
# listener 8883 0.0.0.0
# use_username_as_clientid true
# cafile /etc/hallkit/pki/ca.crt
# certfile /etc/hallkit/pki/server.crt
# keyfile /etc/hallkit/pki/server.key
# tls_version tlsv1.2
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
    out = args.out or cfg.storage_path / "broker"
    passwd, acl = write_broker_files(cfg, out)
    conf = out / "hallkit-listeners.conf"
    lines = access_lines(cfg.bus.host, cfg.bus.port, passwd, acl, cfg.bus.ops_socket)
    conf.write_text("# written by `hallctl broker acl`; include it from mosquitto.conf\n"
                    + "\n".join(lines) + "\n" + TLS_HINT)
    users = accounts(cfg)
    print(f"wrote {passwd}, {acl} and {conf} for {len(users)} users; "
          f"passwords in {cfg.credentials_path}")
    print(f"then: cp {conf} /etc/mosquitto/conf.d/ && systemctl restart mosquitto "
          "(Debian's mosquitto reads that folder)")
    if cfg.bus.auth and cfg.bus.ops_socket is None:
        print("note: set [bus] ops_socket so hallctl can run more than once at a time "
              "(see docs/security.md)")
    return 0
