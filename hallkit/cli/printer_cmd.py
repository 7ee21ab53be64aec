"""hallctl printer test KIOSK-OR-PRINTER: print a test page and say how it went."""

from __future__ import annotations

import asyncio
import json
import sys

from hallkit.cli.common import add_config_arg, config_or_exit
from hallkit.cli.ops_bus import ops_bus, run_or_exit
from hallkit.contract.topics import Topics

WAIT_S = 10.0


def register(sub) -> None:
    printer = sub.add_parser("printer", help="ticket printers").add_subparsers(
        dest="printer_command", required=True, metavar="ACTION")
    p = printer.add_parser("test", help="print a test page on a kiosk's printer (or a printer by id)")
    add_config_arg(p)
    p.add_argument("device", help="kiosk id (kiosk-1) or printer id (printer-kiosk-1)")
    p.set_defaults(func=run_test)


def run_test(args) -> int:
    cfg = config_or_exit(args.config)
    kind = getattr(cfg.devices.get(args.device), "kind", None)
    data = {"kiosk": args.device} if kind == "kiosk" else {"printer": args.device}
    topics = Topics(cfg.hall.id, "printer")
    events: list[dict] = []

    async def ask():
        async with ops_bus(cfg) as bus:
            bus.subscribe(topics.event("+"), lambda t, body: events.append(json.loads(body)["data"]))
            reply = await bus.request(topics.cmd("test"), data, timeout=5)
            if reply.status != "ok":
                return reply, None
            loop = asyncio.get_running_loop()
            deadline = loop.time() + WAIT_S
            while loop.time() < deadline:
                done = [e for e in events if e["job_id"] == reply.data["job_id"]]
                if done:
                    return reply, done[-1]
                await asyncio.sleep(0.05)
            return reply, None

    reply, event = run_or_exit("hallctl printer", ask(), " (is the printer daemon running?)")
    if reply.status != "ok":
        print(f"{reply.error.code}: {reply.error.message}", file=sys.stderr)
        return 1
    printer = reply.data["printer"]
    if event is None:
        print(f"{printer}: test page queued (job {reply.data['job_id']}), no word within {WAIT_S:.0f} s")
        return 1
    print(f"{printer}: {event['outcome']} ({event['status']}: {event['message_zh']})")
    return 0 if event["outcome"] == "printed" else 1
