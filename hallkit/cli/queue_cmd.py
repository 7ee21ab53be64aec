"""hallctl queue …: take and call tickets from a shell (clerks without hardware, tests, demos)."""

from __future__ import annotations

import asyncio
import getpass
import json
import sys
import time as time_
from datetime import datetime, time
from zoneinfo import ZoneInfo

from hallkit.cli.common import EX_UNAVAILABLE, add_config_arg, config_or_exit
from hallkit.cli.ops_bus import ops_bus, run_or_exit
from hallkit.contract.topics import Topics

EX_REFUSED = 1


def register(sub) -> None:
    queue = sub.add_parser("queue", help="take, call and show tickets").add_subparsers(
        dest="queue_command", required=True, metavar="ACTION")

    def cmd(name, help_text, action, build):
        p = queue.add_parser(name, help=help_text)
        add_config_arg(p)
        p.set_defaults(func=run, action=action, build=build)
        return p

    p = cmd("take", "take a ticket: SERVICE is a code (BDC) or a ticket prefix (A)", "issue",
            lambda a, cfg: {"service": _service(cfg, a.service), "priority_class": a.priority,
                            "id_number": a.id_number, "phone": a.phone, "kiosk": a.kiosk})
    p.add_argument("service", help="service code or ticket prefix, e.g. BDC or A")
    p.add_argument("--kiosk", help="as if taken at this kiosk: its printer prints the ticket")
    p.add_argument("--priority", choices=("elderly", "disabled", "military", "green_channel"))
    p.add_argument("--id-number", help="resident ID (stored only hashed and masked)")
    p.add_argument("--phone")
    for name, action, text in (("call", "call-next", "call the next ticket to WINDOW"),
                               ("recall", "recall", "call the current ticket again"),
                               ("no-show", "no-show", "过号: the citizen did not come"),
                               ("hold", "hold", "挂起: park the current ticket"),
                               ("end", "end", "service done"),
                               ("logout", "logout", "clerk logout")):
        cmd(name, text, action, lambda a, cfg: {"window": a.window}).add_argument(
            "window", type=int, help="window number, e.g. 3")
    p = cmd("call-number", "call a given ticket to WINDOW", "call-number",
            lambda a, cfg: {"window": a.window, "number": a.number.upper()})
    p.add_argument("window", type=int, help="window number, e.g. 3")
    p.add_argument("number", help="today's ticket number, e.g. A012")
    p = cmd("resume", "serve a held ticket again", "resume",
            lambda a, cfg: {"window": a.window, "number": a.number.upper()})
    p.add_argument("window", type=int, help="window number, e.g. 3")
    p.add_argument("number", help="today's ticket number, e.g. A012")
    p = cmd("login", "clerk CLERK logs in at WINDOW", "login",
            lambda a, cfg: {"window": a.window, "clerk": a.clerk,
                            "pin": getpass.getpass("PIN: ") if a.pin else None})
    p.add_argument("window", type=int, help="window number, e.g. 3")
    p.add_argument("clerk", help="clerk number from [[clerks]], e.g. 1001")
    p.add_argument("--pin", action="store_true", help="ask for the clerk's PIN (typed without echo)")
    p = cmd("pause", "pause or resume WINDOW (toggle)", "pause", lambda a, cfg: {"window": a.window})
    p.add_argument("window", type=int, help="window number, e.g. 3")
    p = cmd("transfer", "send the current ticket to another service or window", "transfer",
            lambda a, cfg: {"window": a.window, "to_service": a.to_service and
                            _service(cfg, a.to_service), "to_window": a.to_window})
    p.add_argument("window", type=int, help="window number, e.g. 3")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--to-service")
    target.add_argument("--to-window", type=int)
    p = cmd("book", "register an appointment (as the booking platform would): CODE for SERVICE "
            "at HH:MM today", "appointment-add",
            lambda a, cfg: {"code": a.code, "service": _service(cfg, a.service),
                            "start": _today_at(cfg, a.at)})
    p.add_argument("code", help="appointment code (预约码), e.g. YY2026A17")
    p.add_argument("service", help="service code or ticket prefix, e.g. BDC or A")
    p.add_argument("at", help="slot start, HH:MM (hall time, today)")
    p = cmd("check-in", "check in with an appointment code", "check-in",
            lambda a, cfg: {"code": a.code, "kiosk": a.kiosk})
    p.add_argument("code", help="appointment code (预约码), e.g. YY2026A17")
    p.add_argument("--kiosk", help="as if checked in at this kiosk: its printer prints the ticket")
    p = cmd("cancel", "cancel a waiting ticket", "cancel", lambda a, cfg: {"number": a.number.upper()})
    p.add_argument("number", help="today's ticket number, e.g. A012")
    p = cmd("reprint", "print a waiting ticket again at the kiosk it was taken at, with today's "
            "figures", "reprint", lambda a, cfg: {"number": a.number.upper()})
    p.add_argument("number", help="today's ticket number, e.g. A012")
    p = cmd("ticket", "a ticket's status", "ticket", lambda a, cfg: {"number": a.number.upper()})
    p.add_argument("number", help="today's ticket number, e.g. A012")
    p = cmd("next", "the next tickets WINDOW would call", "window-next",
            lambda a, cfg: {"window": a.window})
    p.add_argument("window", type=int, help="window number, e.g. 3")
    sim = queue.add_parser("simulate", help="run a simulated day through the queue engine: waits "
                           "per service and how good the wait estimates were (no bus needed)")
    add_config_arg(sim)
    sim.add_argument("--tickets", type=int, default=800)
    sim.add_argument("--seed", type=int, default=1)
    sim.set_defaults(func=run_simulate)
    show = queue.add_parser("show", help="waiting per service and what every window does")
    add_config_arg(show)
    show.set_defaults(func=run_show)


def _today_at(cfg, hhmm: str) -> float:
    try:
        at = time.fromisoformat(hhmm)
    except ValueError:
        raise SystemExit(f"hallctl queue book: {hhmm!r} is not a time like 10:30") from None
    now = datetime.now(ZoneInfo(cfg.hall.timezone))
    return datetime.combine(now.date(), at, now.tzinfo).timestamp()


def _service(cfg, text: str) -> str:
    for s in cfg.services:
        if text.upper() in (s.code, s.prefix):
            return s.code
    return text  # the daemon answers with the list's closest match


def run(args) -> int:
    cfg = config_or_exit(args.config)
    data = {k: v for k, v in args.build(args, cfg).items() if v is not None}
    prints = bool(data.get("kiosk")) or args.action == "reprint"  # wait for the printer's word

    accepted: dict[str, dict] = {}  # ticket id -> the printer daemon took the job on
    printed: dict[str, dict] = {}  # ticket id -> the printer's word on it

    def on_print_event(topic: str, body: bytes) -> None:
        job = json.loads(body)["data"]
        (accepted if topic.endswith("/accepted") else printed).setdefault(job.get("ticket_id"), job)

    async def ask():
        async with ops_bus(cfg) as bus:
            if prints:  # listen before asking, or a quick printer's word is missed
                bus.subscribe(Topics(cfg.hall.id, "printer").event("+"), on_print_event)
            reply = await bus.request(Topics(cfg.hall.id, "queue").cmd(args.action), data, timeout=5)
            if prints and reply.status == "ok":
                await _printer_word(reply.data["ticket_id"], accepted, printed)
            return reply

    reply = run_or_exit("hallctl queue", ask())
    if reply.status != "ok":
        print(f"{reply.error.code}: {reply.error.message}", file=sys.stderr)
        return EX_REFUSED
    print(_describe(args.action, reply.data or {}, cfg))
    if prints:
        tid = reply.data["ticket_id"]
        job, taken = printed.get(tid), accepted.get(tid)
        print(f"printer: {job['outcome']} on {job['printer']}: {job['message_zh']}" if job else
              f"printer: still printing on {taken['printer']} (no word by the time it gave)"
              if taken else f"printer: no word from the printer daemon within {ACCEPT_WAIT_S:g} s "
              "(is it running?)")
    return 0


ACCEPT_WAIT_S = 2.0  # the printer daemon takes a job on at once


async def _printer_word(tid: str, accepted: dict, printed: dict) -> None:
    """Wait for the printer's word on a ticket: as long as the printer daemon said it may
    take (its ``expect_by``), however slow the printer, or until it is clearly not there."""
    deadline = time_.time() + ACCEPT_WAIT_S
    while tid not in printed:
        if tid in accepted:
            deadline = max(deadline, accepted[tid]["expect_by"] + 0.5)
        if time_.time() > deadline:
            return
        await asyncio.sleep(0.05)


def _minutes(seconds: float | None) -> str:
    return "unknown (no window open)" if seconds is None else f"{round(seconds / 60)} min"


def _describe(action: str, d: dict, cfg) -> str:
    if action in ("issue", "check-in", "reprint"):
        return (f"{d['number']}  {d['service_name_zh']} / {d['service_name_en']}  ahead {d['ahead']}, "
                f"est. wait {_minutes(d.get('est_wait_s'))}  (ticket id {d['ticket_id']})")
    if action in ("call-next", "call-number", "recall", "resume"):
        w = cfg.window(d["window"])
        again = f" (recall {d['recall']})" if d.get("recall") else ""
        ended = f"; {d['ended']} done" if d.get("ended") else ""
        return f"请 {d['number']} 号到 {w.label_zh}办理{again}{ended}"
    if action == "appointment-add":
        return f"appointment {d['code']} booked"
    if action == "window-next":
        lines = [f"window {d['window']}: {d['waiting']} waiting"]
        lines += [f"  {t['number']}  {t['service']}  waited {round(t['waited_s'] / 60)} min"
                  + ("  priority" if t["priority"] else "") for t in d["tickets"]]
        return "\n".join(lines)
    if action == "ticket":
        # The words `queue show` uses for the window: a called ticket is being served there.
        state = {"called": "serving"}.get(d["state"], d["state"])
        where = f" at window {d['window']}" if d.get("window") else ""
        ahead = f", ahead {d['ahead']}, est. wait {_minutes(d.get('est_wait_s'))}" \
            if d["state"] == "waiting" else ""
        return f"{d['number']}  {d['service']}  {state}{where}{ahead}"
    if action in ("login", "logout", "pause"):
        return f"window {d['window']}: {d['state']}" + (f", clerk {d['clerk']}" if d.get("clerk") else "")
    if action == "no-show":
        return f"{d['number']} 过号: {d['outcome']}"
    if action == "transfer":
        to = f"window {d['target_window']}" if d.get("target_window") else d["service"]
        return f"{d['number']} → {to}"
    if action == "end":
        return f"{d['number']} done after {round(d['served_s'] / 60, 1)} min"
    return json.dumps(d, ensure_ascii=False)


def run_show(args) -> int:
    cfg = config_or_exit(args.config)

    async def collect():
        got: dict[str, dict] = {}
        async with ops_bus(cfg) as bus:
            def keep(topic, payload):
                got[topic] = json.loads(payload)
            bus.subscribe(Topics(cfg.hall.id, "queue").state, keep)
            bus.subscribe(Topics(cfg.hall.id, "window", "+").state, keep)
            for _ in range(40):
                await asyncio.sleep(0.05)
                if len(got) > len(cfg.windows):
                    break
        return got

    got = run_or_exit("hallctl queue", collect())
    queue = got.get(Topics(cfg.hall.id, "queue").state)
    if not queue:
        print("hallctl queue: no queue state on the bus (is the queue daemon running?)", file=sys.stderr)
        return EX_UNAVAILABLE
    print(f"{cfg.hall.name_zh}  {queue['day']}")
    print(f"{'SERVICE':<8}{'WAITING':>8}{'PRIO':>6}{'ISSUED':>8}{'LEFT':>6}{'WINDOWS':>9}  EST. WAIT")
    for s in queue["services"]:
        left = "-" if s.get("quota_left") is None else s["quota_left"]
        print(f"{s['code']:<8}{s['waiting']:>8}{s['priority_waiting']:>6}{s['issued']:>8}{left:>6}"
              f"{s['windows_open']:>9}  {_minutes(s.get('est_wait_s'))}")
    print(f"\n{'WINDOW':<8}{'STATE':<9}{'CLERK':<8}{'TICKET':<8}{'WAITING':>8}  HELD")
    for w in cfg.windows:
        st = got.get(Topics(cfg.hall.id, "window", str(w.number)).state, {})
        ticket = (st.get("ticket") or {}).get("number", "")
        waiting = queue.get("waiting_by_window", {}).get(str(w.number), 0)
        print(f"{w.number:<8}{st.get('state', '?'):<9}{st.get('clerk') or '':<8}{ticket:<8}"
              f"{waiting:>8}  {' '.join(st.get('held', []))}")
    return 0


def run_simulate(args) -> int:
    from hallkit.daemons.queue.simulate import simulate_day

    cfg = config_or_exit(args.config)
    print(simulate_day(cfg, tickets=args.tickets, seed=args.seed).text())
    return 0
