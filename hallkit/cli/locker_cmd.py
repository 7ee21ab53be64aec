"""hallctl locker status|open|collect|clear|audit|deposit|lines: the 24-hour document
lockers, for technicians and staff (as ops: no staff login is asked here)."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from hallkit.cli.common import EX_CONFIG, add_config_arg, config_or_exit
from hallkit.cli.ops_bus import ops_bus, request_or_exit, run_or_exit
from hallkit.contract.topics import Topics
from hallkit.daemons.locker.contract import COMPONENT, LockerState

HINT = " (is the locker daemon running?)"
DOOR_WAIT_S = 75.0


def register(sub) -> None:
    locker = sub.add_parser("locker", help="24-hour document lockers: status, open, collect, clear, audit, "
                            "deposit")
    actions = locker.add_subparsers(dest="locker_command", required=True, metavar="ACTION")
    p = actions.add_parser("status", help="every compartment, and the alarms")
    add_config_arg(p)
    p.set_defaults(func=run_status)
    p = actions.add_parser("open", help="open a compartment whatever it holds (audited; a reason is needed)")
    add_config_arg(p)
    p.add_argument("locker")
    p.add_argument("number", type=int)
    p.add_argument("--reason", required=True)
    p.set_defaults(func=run_open)
    p = actions.add_parser("collect", help="take out a citizen's drop-off or an overdue item")
    add_config_arg(p)
    p.add_argument("locker")
    p.add_argument("number", type=int)
    p.set_defaults(func=run_collect)
    p = actions.add_parser("clear", help="put a compartment back in service after an alarm")
    add_config_arg(p)
    p.add_argument("locker")
    p.add_argument("number", type=int)
    p.set_defaults(func=run_clear)
    p = actions.add_parser("audit", help="the latest opens: who, why, how it went")
    add_config_arg(p)
    p.add_argument("--limit", type=int, default=30)
    p.set_defaults(func=run_audit)
    p = actions.add_parser("lines", help="the udev rule and systemd drop-in that keep the lock boards' lines "
                           "to the locker daemon alone")
    add_config_arg(p)
    p.add_argument("--out", help="write them into this folder (else print them)")
    p.set_defaults(func=run_lines)
    p = actions.add_parser("deposit", help="deposit a document: a compartment opens; shut it and the code "
                           "goes to the phone by SMS")
    add_config_arg(p)
    p.add_argument("case_no")
    p.add_argument("size", choices=("S", "M", "L", "XL"))
    p.add_argument("--phone", required=True)
    p.add_argument("--id-last4", help="the last 4 of the applicant's ID number, asked at pickup where "
                   "[locker] id_last4 is on")
    p.set_defaults(func=run_deposit)


def _ask(args, action: str, data: dict, follow: bool = False):
    """One request; with ``follow``, then the operation's door and done events (or a wait)."""
    cfg = config_or_exit(args.config)
    topics = Topics(cfg.hall.id, COMPONENT)

    async def ask():
        async with ops_bus(cfg) as bus:
            events: list[tuple[str, dict]] = []
            bus.subscribe(f"{topics.base}/event/+/hallctl",
                          lambda t, p: events.append((t.split("/")[-2], json.loads(p)["data"])))
            reply = await bus.request(topics.cmd(action), data)
            if not follow or reply.status != "ok":
                return reply, []
            loop = asyncio.get_running_loop()
            deadline = loop.time() + DOOR_WAIT_S
            op, said = reply.data["op_id"], False
            while loop.time() < deadline:
                mine = [e for e in events if e[1].get("op_id") == op]
                opened = [body for name, body in mine if name == "door" and body["outcome"] == "opened"]
                if opened and not said:
                    print(f"{opened[0]['locker']} {opened[0]['number']}: open; shut the door when done",
                          flush=True)
                    said = True
                if any(name == "done" or (name == "door" and body["outcome"] != "opened")
                       for name, body in mine):
                    return reply, mine
                await asyncio.sleep(0.1)
            return reply, [e for e in events if e[1].get("op_id") == op]

    return run_or_exit(f"hallctl locker {args.locker_command}", ask(), HINT)


def _refused(reply) -> int:
    print(f"{reply.error.code}: {reply.error.message}", file=sys.stderr)
    return 1


def run_status(args) -> int:
    cfg = config_or_exit(args.config)

    async def read():
        got: asyncio.Queue = asyncio.Queue()
        async with ops_bus(cfg) as bus:
            bus.on(Topics(cfg.hall.id, COMPONENT).state, LockerState, lambda t, v: got.put_nowait(v))
            return await asyncio.wait_for(got.get(), 5)

    state = run_or_exit("hallctl locker status", read(), HINT)
    for locker in state.lockers:
        free = ", ".join(f"{size} {n}" for size, n in sorted(locker.free.items())) or "none"
        print(f"{locker.id} {locker.name_zh} — free: {free}")
        for c in locker.compartments:
            if c.state != "free" or c.door != "shut":
                flags = " ".join(filter(None, (c.alarm, "overdue" if c.overdue else "")))
                print(f"  {c.number:>3} {c.size:<2} {c.state:<14} door {c.door:<7} {flags}")
    for line in state.lines:
        took = f"a poll round takes {line.round_ms:.0f} ms" if line.round_ms is not None else "not yet polled"
        print(f"line {line.line}: {line.boards} board(s), {took}")
    for alarm in state.alarms:
        print(f"ALARM {alarm.text}")
    print(state.summary)
    return 0


def _follow(reply, events) -> int:
    if reply.status != "ok":
        return _refused(reply)
    for name, data in events:
        if name == "door" and data["outcome"] != "opened":
            print(f"{data['locker']} {data['number']}: the door did not open ({data['outcome']})")
            return 1
        if name == "done":
            receipt = f" receipt {data['receipt']}" if data.get("receipt") else ""
            print(f"{data['locker']} {data['number']}: {data['outcome'].replace('_', ' ')}{receipt}")
            return 0 if data["outcome"] not in ("not_closed", "not_opened") else 1
    print(f"no word on the door within {DOOR_WAIT_S:.0f} s")
    return 1


def run_open(args) -> int:
    return _follow(*_ask(args, "override", {"locker": args.locker, "number": args.number,
                                             "reason": args.reason}, follow=True))


def run_collect(args) -> int:
    return _follow(*_ask(args, "collect", {"locker": args.locker, "number": args.number}, follow=True))


def run_deposit(args) -> int:
    data = {"case_no": args.case_no, "size": args.size, "phone": args.phone}
    if args.id_last4:
        data["id_last4"] = args.id_last4.upper()
    return _follow(*_ask(args, "deposit", data, follow=True))


def run_clear(args) -> int:
    reply, _ = _ask(args, "clear", {"locker": args.locker, "number": args.number})
    if reply.status != "ok":
        return _refused(reply)
    print(f"{args.locker} {args.number}: {'back in service' if reply.data['cleared'] else 'was in service'}")
    return 0


def run_lines(args) -> int:
    from hallkit.daemons.locker import line_access

    cfg = config_or_exit(args.config)
    try:
        rules = line_access.udev_rules(cfg)
    except line_access.LineAccessError as exc:
        print(f"hallctl locker lines: {exc}", file=sys.stderr)
        return EX_CONFIG
    if not args.out:
        print(f"# {line_access.RULES_FILE}\n{rules}\n# {line_access.DROPIN_DIR}/locker-lines.conf\n"
              f"{line_access.DROPIN}", end="")
        return 0
    out = Path(args.out)
    (out / line_access.DROPIN_DIR).mkdir(parents=True, exist_ok=True)
    (out / line_access.RULES_FILE).write_text(rules)
    (out / line_access.DROPIN_DIR / "locker-lines.conf").write_text(line_access.DROPIN)
    dropin = f"{out / line_access.DROPIN_DIR}/locker-lines.conf"
    print(f"wrote {out / line_access.RULES_FILE} (to /etc/udev/rules.d/) and {dropin} "
          f"(to /etc/systemd/system/{line_access.DROPIN_DIR}/); then: groupadd --system "
          f"{line_access.GROUP}; udevadm control --reload; udevadm trigger; systemctl daemon-reload; "
          "systemctl restart hallkit@locker")
    return 0


def run_audit(args) -> int:
    cfg = config_or_exit(args.config)
    zone = ZoneInfo(cfg.hall.timezone)  # the hall's time, as its receipts print it
    reply = request_or_exit(cfg, COMPONENT, "audit", {"limit": args.limit}, "hallctl locker audit", HINT)
    if reply.status != "ok":
        return _refused(reply)
    for line in reply.data["lines"]:
        at = datetime.fromtimestamp(line["at"], zone).strftime("%Y-%m-%d %H:%M:%S")
        print(f"{at}  {line['locker']} {line['number']:>3}  {line['outcome']:<10} {line['who']} "
              f"({line['kiosk'] or '-'}): {line['why']}")
    return 0
