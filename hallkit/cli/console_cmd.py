"""hallctl console DEVICE: the clerk console (PyQt6) for the window of a console device.

On the hall box it finds the bus and its credentials through the hall config. A
console PC has neither the config nor the box's password files: it is given the
broker's address, the hall id and its own password file, and learns its window,
the services and the other windows from the hall directory on the bus.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from hallkit.bus.client import BusError
from hallkit.cli.common import EX_UNAVAILABLE, add_config_arg, config_or_exit

DIRECTORY_WAIT_S = 15.0


def register(sub) -> None:
    p = sub.add_parser("console", help="the clerk console for a window (a `console` device)")
    add_config_arg(p)
    p.add_argument("device", help="the console's device id in the hall config, e.g. console-3")
    add_app_bus_args(p, "console")
    p.set_defaults(func=run)


def add_app_bus_args(p, app: str) -> None:
    """How an app finds the bus on a PC of its own, where there is no hall config."""
    pc = p.add_argument_group(f"on a {app} PC (no hall config there)")
    pc.add_argument("--connect", metavar="HOST:PORT", help="the hall's broker")
    pc.add_argument("--hall", help="the hall id, e.g. demo")
    pc.add_argument("--password-file", type=Path, help=f"this {app}'s bus password")
    pc.add_argument("--ca", type=Path, help="the hall CA, for a TLS listener")


def setup_from_directory(state, device: str):
    """The console's window and the hall's names, from the hall daemon's retained directory."""
    from hallkit.kiosk_ui.console.window import ConsoleSetup

    window = next((w for w in state.windows if device in w.consoles), None)
    if window is None:
        consoles = sorted(c for w in state.windows for c in w.consoles)
        raise LookupError(f"{device} operates no window of hall {state.hall!r}; its consoles: "
                          f"{', '.join(consoles) or 'none'}")
    return ConsoleSetup(hall=state.hall, number=window.number, label_zh=window.label_zh,
                        label_en=window.label_en,
                        services={s.code: s.name_zh for s in state.services},
                        windows=[(w.number, w.label_zh) for w in state.windows],
                        serves=tuple(window.services))


async def read_retained(settings, hall: str, client_id: str, topic: str, model, wait_s: float):
    """One retained message, read once as the app's own user (TimeoutError if none comes)."""
    from hallkit.bus.client import BusClient

    got: asyncio.Queue = asyncio.Queue()
    client = BusClient(settings, client_id, hall=hall)
    client.on(topic, model, lambda t, value: got.put_nowait(value))
    await client.connect(timeout=wait_s)
    try:
        return await asyncio.wait_for(got.get(), wait_s)
    finally:
        await client.close()


async def read_directory(settings, hall: str, device: str):
    """The retained hall directory, read once as this console's own user."""
    from hallkit.contract.topics import Topics
    from hallkit.daemons.hall.contract import HallState

    return await read_retained(settings, hall, f"{device}-setup", Topics(hall, "hall").state,
                               HallState, DIRECTORY_WAIT_S)


def app_settings(args, app: str = "console"):
    from hallkit.bus.client import BusSettings
    from hallkit.bus.settings import bus_settings

    if not args.connect:
        cfg = config_or_exit(args.config)
        return bus_settings(cfg, args.device), cfg.hall.id
    if not args.hall or not args.password_file:
        raise SystemExit(f"hallctl {app}: --connect needs --hall and --password-file too")
    host, _, port = args.connect.rpartition(":")
    try:
        password = args.password_file.read_text().strip()
    except OSError as exc:
        raise SystemExit(f"hallctl {app}: cannot read {args.password_file}: {exc}") from None
    return BusSettings(host=host or "127.0.0.1", port=int(port), username=args.device,
                       password=password, ca=args.ca), args.hall


def run(args) -> int:
    settings, hall = app_settings(args)
    try:
        state = asyncio.run(read_directory(settings, hall, args.device))
        setup = setup_from_directory(state, args.device)
    except TimeoutError:
        print(f"hallctl console: no hall directory on the bus within {DIRECTORY_WAIT_S:g} s "
              "(is the hall daemon running?)", file=sys.stderr)
        return EX_UNAVAILABLE
    except (LookupError, BusError) as exc:  # not this hall's console, or no broker: one line
        print(f"hallctl console: {exc}", file=sys.stderr)
        return EX_UNAVAILABLE
    from PyQt6.QtWidgets import QApplication

    from hallkit.contract.topics import Topics
    from hallkit.kiosk_ui.bus_bridge import BusBridge
    from hallkit.kiosk_ui.console.window import ConsoleWindow

    app = QApplication(sys.argv)
    bridge = BusBridge(settings, args.device, hall,
                       status_topic=Topics(hall, "console", args.device).status)
    bridge.start()
    window = ConsoleWindow(bridge, setup)
    window.show()
    code = app.exec()
    bridge.stop()
    return code
