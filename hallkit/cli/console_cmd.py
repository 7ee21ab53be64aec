"""hallctl console DEVICE: the clerk console (PyQt6) for the window of a console device."""

from __future__ import annotations

import sys

from hallkit.cli.common import add_config_arg, config_or_exit


def register(sub) -> None:
    p = sub.add_parser("console", help="the clerk console for a window (a `console` device)")
    add_config_arg(p)
    p.add_argument("device", help="a device of kind console in the hall config, e.g. console-3")
    p.set_defaults(func=run)


def window_info(cfg, device: str):
    from hallkit.kiosk_ui.console.window import ConsoleSetup

    window = cfg.window(cfg.devices[device].window)
    return ConsoleSetup(hall=cfg.hall.id, number=window.number, label_zh=window.label_zh,
                      label_en=window.label_en,
                      services={s.code: s.name_zh for s in cfg.services},
                      windows=[(w.number, w.label_zh) for w in cfg.windows],
                      serves=tuple(window.services))


def run(args) -> int:
    cfg = config_or_exit(args.config)
    consoles = sorted(d for d, dev in cfg.devices.items() if dev.kind == "console")
    if args.device not in consoles:
        print(f"hallctl console: no console device {args.device!r} in {args.config}; "
              f"consoles: {', '.join(consoles) or 'none (add a device of kind console)'}",
              file=sys.stderr)
        return 2
    from PyQt6.QtWidgets import QApplication

    from hallkit.bus.settings import bus_settings
    from hallkit.contract.topics import Topics
    from hallkit.kiosk_ui.bus_bridge import BusBridge
    from hallkit.kiosk_ui.console.window import ConsoleWindow

    app = QApplication(sys.argv)
    bridge = BusBridge(bus_settings(cfg, args.device), args.device, cfg.hall.id,
                       status_topic=Topics(cfg.hall.id, "console", args.device).status)
    bridge.start()
    window = ConsoleWindow(bridge, window_info(cfg, args.device))
    window.show()
    code = app.exec()
    bridge.stop()
    return code
