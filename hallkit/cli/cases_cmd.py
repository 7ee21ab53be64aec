"""hallctl cases import FILE.csv | lookup: the cases behind the kiosks' 办件查询."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from hallkit.cli.common import EX_CONFIG, add_config_arg, config_or_exit
from hallkit.cli.ops_bus import ops_bus, request_or_exit, run_or_exit
from hallkit.daemons.cases.contract import COMPONENT
from hallkit.daemons.cases.csvfile import COLUMNS, ExportError, read_export
from hallkit.daemons.cases.send import ImportRefused, send_rows

HINT = " (is the cases daemon running?)"


def register(sub) -> None:
    cases = sub.add_parser("cases", help="case lookup (办件查询): import an approval system's export, "
                           "look a case up").add_subparsers(dest="cases_command", required=True,
                                                            metavar="ACTION")
    p = cases.add_parser("import", help="add or update cases from a CSV export (UTF-8 or GB18030)")
    add_config_arg(p)
    p.add_argument("file", type=Path)
    p.add_argument("--check", action="store_true", help="only read and check the file")
    p.set_defaults(func=run_import)
    p = cases.add_parser("lookup", help="what a kiosk would show for a case number, or for an "
                         "ID number with the phone's last 4 digits")
    add_config_arg(p)
    p.add_argument("case_no", nargs="?")
    p.add_argument("--phone-last4", help="with the ID number, asked for (not echoed, not in the "
                   "shell's history) or read from standard input")
    p.set_defaults(func=run_lookup)
    p = cases.add_parser("unlock", help="lift a kiosk's case lookup lock once staff have looked")
    add_config_arg(p)
    p.add_argument("kiosk")
    p.set_defaults(func=run_unlock)


def run_import(args) -> int:
    try:
        rows, left_out = read_export(args.file)
    except OSError as exc:
        print(f"hallctl cases import: {args.file}: {exc.strerror}", file=sys.stderr)
        return EX_CONFIG
    except ExportError as exc:
        for problem in exc.problems:
            print(f"{args.file}: {problem}", file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) in {args.file}; nothing was imported. Columns: "
              + ", ".join(f"{zh}{'' if req else ' (optional)'}" for zh, req in COLUMNS.values()),
              file=sys.stderr)
        return EX_CONFIG
    if left_out:
        print(f"columns left out (not used by hallkit): {', '.join(left_out)}")
    others = sum(row.id_number is None for row in rows)
    if others:
        print(f"{others} case(s) without a resident ID number (a company, a passport): found by their "
              "case number only")
    if args.check:
        print(f"{args.file}: {len(rows)} cases, all readable")
        return 0
    cfg = config_or_exit(args.config)

    async def send():
        async with ops_bus(cfg) as bus:
            return await send_rows(bus, cfg.hall.id, rows)

    try:
        totals = run_or_exit("hallctl cases import", send(), HINT)
    except ImportRefused as exc:
        print(f"hallctl cases import: {exc} (rows before it are in; running the import again is safe)",
              file=sys.stderr)
        return 1
    print(f"{args.file}: {totals['added']} added, {totals['updated']} updated, "
          f"{totals['unchanged']} unchanged")
    return 0


def run_lookup(args) -> int:
    if bool(args.case_no) == bool(args.phone_last4):
        print("hallctl cases lookup: give a case number, or --phone-last4 (the ID number is then "
              "asked for)", file=sys.stderr)
        return 2
    cfg = config_or_exit(args.config)
    if args.case_no:
        data = {"case_no": args.case_no}
    else:
        number = getpass.getpass("ID number: ") if sys.stdin.isatty() else sys.stdin.readline()
        data = {"id_number": number.strip().upper(), "phone_last4": args.phone_last4}
    reply = _ask(cfg, "case-lookup", data, "hallctl cases lookup")
    if reply.status != "ok":
        print(f"{reply.error.code}: {reply.error.message}", file=sys.stderr)
        return 1
    cases = reply.data["cases"]
    if not cases:
        print("no case found")
        return 1
    for case in cases:
        print(f"{case['case_no']}  {case['item']}  {case['applicant_masked']}  {case['status']}"
              f"  {case.get('stage', '')}")
        for key in ("next_step", "due_date", "pickup", "pickup_place", "updated_at"):
            if case.get(key):
                print(f"    {key}: {case[key]}")
        for thing in case.get("to_bring", []):
            print(f"    to bring: {thing}")
    return 0


def run_unlock(args) -> int:
    cfg = config_or_exit(args.config)
    reply = _ask(cfg, "case-unlock", {"kiosk": args.kiosk}, "hallctl cases unlock")
    if reply.status != "ok":
        print(f"{reply.error.code}: {reply.error.message}", file=sys.stderr)
        return 1
    print(f"{args.kiosk}: {'unlocked' if reply.data['unlocked'] else 'was not locked'}")
    return 0


def _ask(cfg, action: str, data: dict, prog: str):
    return request_or_exit(cfg, COMPONENT, action, data, prog, HINT)
