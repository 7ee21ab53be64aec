"""hallctl daemons: the daemons installed (from their declarations), and their systemd units."""

from __future__ import annotations

from hallkit.plugins import daemons


def register(sub) -> None:
    p = sub.add_parser("daemons", help="the installed daemons in start order; --units for systemd")
    p.add_argument("--units", action="store_true",
                   help="print the systemd instances to enable, e.g. "
                        "systemctl enable --now $(hallctl daemons --units)")
    p.set_defaults(func=run)


def run(args) -> int:
    for name, spec in daemons().items():
        if args.units:
            print(f"hallkit@{name}.service")
        else:
            print(f"{name:<10} {' '.join(spec.summary.split())}")
    return 0
