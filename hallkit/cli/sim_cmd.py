"""hallctl sim …: run the hall's simulators, press their keys, read their LEDs."""

from __future__ import annotations

import asyncio
import sys

from hallkit.bus.settings import bus_settings
from hallkit.cli.common import EX_UNAVAILABLE, add_config_arg, config_or_exit
from hallkit.cli.ops_bus import ops_bus, run_or_exit
from hallkit.contract.topics import Topics
from hallkit.natural import natural
from hallkit.runtime.logs import setup_logging


def register(sub) -> None:
    from hallkit.drivers.sim.contract import sim_actions

    sim = sub.add_parser("sim", help="simulated devices").add_subparsers(
        dest="sim_command", required=True, metavar="ACTION")
    p = sim.add_parser("run", help="run every simulator the hall config needs (hallctl up does)")
    add_config_arg(p)
    p.set_defaults(func=run_host)
    p = sim.add_parser("show", help="what every simulated device shows (keypad LEDs, displays, printers)")
    add_config_arg(p)
    p.set_defaults(func=run_show)
    for action in sim_actions().values():  # each family's simulator control actions
        p = sim.add_parser(action.name, help=action.help)
        add_config_arg(p)
        p.add_argument("device", help=f"a simulated device's id, or the kiosk it is built into, "
                                      f"e.g. {action.example_device}")
        for arg in action.args:
            if arg.flag:
                p.add_argument(f"--{arg.name}", default=arg.default, help=arg.help)
            else:
                p.add_argument(arg.name, nargs="?" if arg.optional else None, help=arg.help)
        p.set_defaults(func=run_action, sim_action=action)
    p = sim.add_parser("escpos", help="a stand-alone simulated ticket printer on TCP (like port 9100) "
                       "or a pty, for trying a printer link or another program against it")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--tcp", type=int, default=9100, metavar="PORT", help="listen on 127.0.0.1:PORT")
    where.add_argument("--pty", action="store_true", help="open a pty and print its path")
    p.add_argument("--out", default="printed-tickets", help="where the ticket PNGs go")
    p.add_argument("--paper", type=int, choices=(80, 58), default=80, help="paper width, mm")
    p.set_defaults(func=run_escpos)


def run_host(args) -> int:
    from hallkit.drivers.sim.contract import SIM_USER
    from hallkit.drivers.sim.host import SimHost

    setup_logging("sim")
    cfg = config_or_exit(args.config)
    asyncio.run(SimHost(cfg, bus_settings(cfg, SIM_USER)).run())
    return 0


def _ask(args, action: str, data: dict) -> dict:
    """The simulator host's answer; on no bus or a refusal, say why and exit."""
    cfg = config_or_exit(args.config)

    async def ask():
        async with ops_bus(cfg) as bus:
            return await bus.request(Topics(cfg.hall.id, "sim").cmd(action), data, timeout=5)

    reply = run_or_exit("hallctl sim", ask(), " (is the hall up?)")
    if reply.status != "ok":
        print(f"hallctl sim: {reply.error.message}", file=sys.stderr)
        raise SystemExit(1)
    return reply.data


def run_action(args) -> int:
    data = {"device": args.device, **{a.name: getattr(args, a.name) for a in args.sim_action.args
                                      if getattr(args, a.name) is not None}}
    answer = _ask(args, args.sim_action.name, data)
    print(answer["text"])
    return 0 if answer["ok"] else 1


def run_escpos(args) -> int:
    from pathlib import Path

    from hallkit.drivers.escpos.options import PAPER
    from hallkit.drivers.escpos.sim import PrinterSim

    async def serve() -> None:
        sim = PrinterSim("escpos", Path(args.out), paper_dots=PAPER[args.paper])
        sim.on_picture = lambda path: print(f"ticket {len(sim.tickets)} → {path}", flush=True)
        if args.pty:
            print(f"simulated printer on {sim.open_pty()}  (link: serial:<that path>)", flush=True)
        else:
            port = await sim.serve_tcp(port=args.tcp)
            print(f"simulated printer on 127.0.0.1:{port}  (link: tcp:127.0.0.1:{port})", flush=True)
        print(f"tickets are drawn in {Path(args.out).resolve()}/; Ctrl-C stops", flush=True)
        try:
            await asyncio.Event().wait()
        finally:
            await sim.close()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        print(f"hallctl sim escpos: {exc}", file=sys.stderr)
        return EX_UNAVAILABLE
    return 0


def run_show(args) -> int:
    for device, shows in natural(_ask(args, "show", {})["devices"].items()):
        print(f"{device:<16} {shows.strip() or '(blank)'}")
    return 0
