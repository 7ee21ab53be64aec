"""hallctl guide import FILE.toml | search TEXT | show ID: the kiosks' 办事指南."""

from __future__ import annotations

import sys
from pathlib import Path

from hallkit.cli.common import EX_CONFIG, add_config_arg, config_or_exit
from hallkit.cli.ops_bus import answer_or_exit, ops_bus, run_or_exit
from hallkit.daemons.guide.contract import COMPONENT
from hallkit.daemons.guide.guidefile import GuideFileError, read_guide
from hallkit.daemons.guide.send import ImportRefused, send_guide

HINT = " (is the guide daemon running?)"


def register(sub) -> None:
    guide = sub.add_parser("guide", help="the service guide (办事指南): import, search, show").add_subparsers(
        dest="guide_command", required=True, metavar="ACTION")
    p = guide.add_parser("import", help="replace the guide with a guide file (TOML)")
    add_config_arg(p)
    p.add_argument("file", type=Path)
    p.add_argument("--check", action="store_true", help="only read and check the file")
    p.set_defaults(func=run_import)
    p = guide.add_parser("search", help="search as a kiosk does (Chinese, pinyin initials, English)")
    add_config_arg(p)
    p.add_argument("text", nargs="?", default="")
    p.add_argument("--department")
    p.set_defaults(func=run_search)
    p = guide.add_parser("show", help="one item whole")
    add_config_arg(p)
    p.add_argument("id")
    p.set_defaults(func=run_show)


def run_import(args) -> int:
    cfg = config_or_exit(args.config)
    try:
        guide = read_guide(args.file, {s.code for s in cfg.services})
    except GuideFileError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s); nothing was imported", file=sys.stderr)
        return EX_CONFIG
    if args.check:
        print(f"{args.file}: {len(guide.items)} items in {len(guide.departments)} departments, all readable")
        return 0

    async def send():
        async with ops_bus(cfg) as bus:
            return await send_guide(bus, cfg.hall.id, guide)

    try:
        done = run_or_exit("hallctl guide import", send(), HINT)
    except ImportRefused as exc:
        print(f"hallctl guide import: {exc}; the guide was not changed", file=sys.stderr)
        return 1
    print(f"{args.file}: the guide now has {done['items']} items in {len(guide.departments)} departments")
    return 0


def _ask(args, action: str, data: dict):
    return answer_or_exit(config_or_exit(args.config), COMPONENT, action, data,
                          f"hallctl guide {args.guide_command}", HINT)


def run_search(args) -> int:
    data = {"text": args.text, "limit": 50}
    if args.department:
        data["department"] = args.department
    found = _ask(args, "guide-search", data)
    for hit in found["hits"]:
        print(f"{hit['id']:<20} {hit['department']:<6} {hit['name_zh']}  ({hit['name_en']})")
    print(f"{found['total']} item(s)")
    return 0 if found["total"] else 1


def run_show(args) -> int:
    d = _ask(args, "guide-item", {"id": args.id})
    item = d["item"]
    print(f"{item['name_zh']} ({item['name_en']}) — {d['department']['name_zh']}")
    for i, m in enumerate(item.get("materials", []), start=1):
        when = "" if m["required"] else " (if applicable)"
        print(f"  {i}. {m['name_zh']} [{m['form']}, {m['copies']}]{when}")
    print(f"  fee: {item['fee_zh']}")
    print(f"  legal/promised days: {item.get('legal_days', '-')}/{item.get('promised_days', '-')}")
    print(f"  windows: {', '.join(w['label_zh'] for w in d['windows']) or '-'}")
    if item.get("online_zh"):
        print(f"  online: {item['online_zh']} {item.get('online_url', '')}")
    return 0
