"""hallctl config check FILE: every problem at once, or a one-screen summary."""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from datetime import time

from hallkit.cli.common import EX_CONFIG, add_config_arg
from hallkit.config.load import check_file, unwritable_storage
from hallkit.config.model import HallConfig
from hallkit.runtime.hours import WEEKDAYS


def register(sub) -> None:
    config = sub.add_parser("config", help="check a hall config").add_subparsers(
        dest="config_command", required=True, metavar="ACTION")
    check = config.add_parser("check", help="print every error at once, or a summary of the hall")
    add_config_arg(check, positional=True)
    check.set_defaults(func=run_check)


def run_check(args) -> int:
    cfg, issues = check_file(args.config)
    if issues:
        for issue in issues:
            print(issue.format(args.config))
        print(f"\n{len(issues)} problem(s) in {args.config}", file=sys.stderr)
        return EX_CONFIG
    assert cfg is not None
    print(summary(cfg))
    return 0


def _hours(cfg: HallConfig) -> str:
    groups: dict[str, list[str]] = defaultdict(list)
    for day in WEEKDAYS:
        ranges = getattr(cfg.hall.opening_hours, day)
        text = " ".join(f"{a:%H:%M}-{'24:00' if b == time.max else f'{b:%H:%M}'}"
                        for a, b in ranges) or "closed"
        groups[text].append(day)
    return "; ".join(f"{','.join(days)} {text}" for text, days in groups.items())


LOCK_BOARDS_PER_LINE = 6  # lockboard-8a80.md: more, and a forced door is seen later than 1 s


def crowded_lock_lines(cfg: HallConfig) -> list[str]:
    """A warning for each RS-485 line with more lock boards than one poll round a second allows."""
    per_line: dict[str, list[str]] = defaultdict(list)
    for dev_id, d in cfg.devices.items():
        if d.kind == "locker_board" and d.link.line_key:
            per_line[d.link.line_key].append(dev_id)
    return [f"WARNING: {len(boards)} lock boards share {line} ({', '.join(sorted(boards))}): one poll "
            f"round takes over 1 s above {LOCK_BOARDS_PER_LINE}, so a forced or left-open door is "
            "seen late; put the rest on another line"
            for line, boards in sorted(per_line.items()) if len(boards) > LOCK_BOARDS_PER_LINE]


def summary(cfg: HallConfig) -> str:
    bus = cfg.bus
    where = "any free port" if bus.port == 0 else f"port {bus.port}"
    lines = [
        f"OK  {cfg.hall.name_zh} / {cfg.hall.name_en}",
        f"    hall id {cfg.hall.id!r}, {cfg.hall.timezone}, day starts {cfg.hall.day_starts_at:%H:%M}",
        f"    open: {_hours(cfg)}",
        f"    bus: {'embedded mosquitto' if bus.embedded else 'mosquitto'} on {bus.host}, {where}, "
        f"{'a user and ACL per client' if bus.auth else 'no authentication'}"
        f"{', TLS' if bus.tls else ''}",
        f"    storage: {cfg.storage_path}",
        f"Services ({len(cfg.services)}):",
    ]
    for s in cfg.services:
        quota = f"quota {s.daily_quota}/day" if s.daily_quota else "no quota"
        windows = [str(w.number) for w in cfg.windows if s.code in w.services]
        lines.append(f"    {s.prefix:<2} {s.code:<6} {s.name_zh} / {s.name_en}, {quota}, "
                     f"windows {','.join(windows) or 'NONE'}")
    lines.append(f"Windows ({len(cfg.windows)}): " + "  ".join(
        f"{w.number}:{'+'.join(w.services)}" for w in cfg.windows))
    lines.append(f"Devices ({len(cfg.devices)}):")
    groups: dict[tuple[str, str], list] = defaultdict(list)  # (kind, family or app) -> devices
    for d in cfg.devices.values():
        groups[d.kind, getattr(d, "family", "app")].append(d)
    for (kind, fam), devices in sorted(groups.items()):
        lines_used = sorted({str(d.link) for d in devices if getattr(d, "address", None) is not None})
        where = f"  on {', '.join(lines_used)}" if lines_used else ""
        lines.append(f"    {kind:<15} {len(devices):>3}  {fam}{where}")
    for locker in cfg.lockers:
        sizes = Counter()
        for g in locker.compartments:
            sizes[g.size] += g.count
        boards = sorted({g.board for g in locker.compartments})
        lines.append(f"Locker {locker.id}: {locker.name_zh}, {sum(sizes.values())} compartments "
                     f"({', '.join(f'{k} {v}' for k, v in sizes.items())}) on {', '.join(boards)}")
    lines += crowded_lock_lines(cfg)
    unserved = [s.code for s in cfg.services if not any(s.code in w.services for w in cfg.windows)]
    if unserved:
        lines.append(f"NOTE: no window serves {', '.join(unserved)}; its tickets would never be called")
    if cfg.clerks:
        lines.append(f"Clerks ({len(cfg.clerks)}): each logs in with their number and PIN")
    elif cfg.windows:
        lines.append("NOTE: demo hall: any clerk number logs in" if cfg.hall.demo else
                     "NOTE: no [[clerks]] listed: nobody can log in at a window until they are "
                     "(or set demo = true under [hall] for a demo)")
    if not bus.auth:
        lines.append("NOTE: bus without authentication: any client can send any command as anyone")
    problem = unwritable_storage(cfg.storage_path)
    if problem:  # a note: this user may not be the one the daemons run as
        lines.append(f"NOTE: for this user, {problem}")
    return "\n".join(lines)
