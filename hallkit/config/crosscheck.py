"""Checks that span sections: references between them, clashes, hardware limits."""

from __future__ import annotations

from collections import defaultdict

from hallkit.config.issues import ConfigIssue, closest
from hallkit.config.model import WIRED_KINDS, HallConfig
from hallkit.config.options import option_issues
from hallkit.gb2312 import outside_gb2312
from hallkit.plugins import families, families_for, family


def cross_check(cfg: HallConfig) -> list[ConfigIssue]:
    issues: list[ConfigIssue] = []
    for check in (_services, _clerks, _windows, _reserved_ids, _devices, _shared_lines, _simulated,
                  _lockers, _bus, _display_texts, _ticket_texts):
        issues.extend(check(cfg))
    return issues


def _duplicates(items, key, loc_of, what):
    seen: dict = {}
    for i, item in enumerate(items):
        value = key(item)
        if value in seen:
            yield ConfigIssue(loc_of(i), f"{what} {value!r} is used twice (first at entry {seen[value]})")
        else:
            seen[value] = i


def _clerks(cfg: HallConfig):
    yield from _duplicates(cfg.clerks, lambda c: c.id, lambda i: ("clerks", i, "id"), "clerk id")


def _reserved_ids(cfg: HallConfig):
    """A device id is its broker username: it may not be one hallkit's own parts use."""
    from hallkit.bus.settings import OPS_USER
    from hallkit.drivers.sim.contract import SIM_USER

    for dev_id in cfg.devices:
        if dev_id in (OPS_USER, SIM_USER) or dev_id.startswith("daemon-"):
            yield ConfigIssue(("devices", dev_id), f"{dev_id!r} is the bus user of hallkit's own "
                              f"{'daemons' if dev_id.startswith('daemon-') else dev_id}; "
                              "name the device otherwise")


def _services(cfg: HallConfig):
    yield from _duplicates(cfg.services, lambda s: s.code, lambda i: ("services", i, "code"),
                           "service code")
    yield from _duplicates(cfg.services, lambda s: s.prefix, lambda i: ("services", i, "prefix"),
                           "ticket prefix")
    for i, s in enumerate(cfg.services):
        half = s.rules.quota_am + s.rules.quota_pm
        if s.daily_quota and half and half > s.daily_quota:
            yield ConfigIssue(("services", i, "rules"), f"quota_am + quota_pm ({half}) exceeds "
                              f"daily_quota ({s.daily_quota})")


def _windows(cfg: HallConfig):
    codes = [s.code for s in cfg.services]
    yield from _duplicates(cfg.windows, lambda w: w.number, lambda i: ("windows", i, "number"),
                           "window number")
    for i, w in enumerate(cfg.windows):
        for j, code in enumerate(w.services):
            if code not in codes:
                yield ConfigIssue(("windows", i, "services", j),
                                  f"unknown service {code!r}", closest(code, codes))
        if len(set(w.services)) != len(w.services):
            yield ConfigIssue(("windows", i, "services"), "a service is listed twice")
        for field, kind in (("keypad", "keypad"), ("display", "window_display"), ("rating", "rating")):
            yield from _ref(cfg, getattr(w, field), kind, ("windows", i, field))
    for field in ("keypad", "display", "rating"):  # a device stands at one window
        at: dict[str, int] = {}
        for i, w in enumerate(cfg.windows):
            ref = getattr(w, field)
            if ref and ref in at:
                yield ConfigIssue(("windows", i, field), f"{field} {ref!r} is already at window "
                                  f"{at[ref]}; a device stands at one window")
            elif ref:
                at[ref] = w.number
    for dev_id, dev in cfg.devices.items():
        if dev.kind == "console" and dev.window not in {w.number for w in cfg.windows}:
            yield ConfigIssue(("devices", dev_id, "window"), f"no window number {dev.window}")
        if dev.kind == "kiosk":
            yield from _ref(cfg, dev.printer, "printer", ("devices", dev_id, "printer"))
            yield from _ref(cfg, dev.scanner, "scanner", ("devices", dev_id, "scanner"))
            yield from _ref(cfg, dev.id_reader, "id_reader", ("devices", dev_id, "id_reader"))
    kiosks = [(k, d) for k, d in cfg.devices.items() if d.kind == "kiosk"]
    for field in ("printer", "scanner", "id_reader"):  # built into one kiosk: two cannot share it
        first: dict[str, str] = {}
        for dev_id, dev in kiosks:
            ref = getattr(dev, field)
            if ref and ref in first:
                yield ConfigIssue(("devices", dev_id, field), f"{field} {ref!r} is already the "
                                  f"{field} of {first[ref]}; a kiosk's {field} is its own")
            elif ref:
                first[ref] = dev_id


def _ref(cfg: HallConfig, ref: str | None, kind: str, loc):
    if ref is None:
        return
    dev = cfg.devices.get(ref)
    if dev is None:
        candidates = [k for k, d in cfg.devices.items() if d.kind == kind]
        yield ConfigIssue(loc, f"no device {ref!r} in [devices]", closest(ref, candidates))
    elif dev.kind != kind:
        yield ConfigIssue(loc, f"device {ref!r} is a {dev.kind}, not a {kind}")


def _devices(cfg: HallConfig):
    for dev_id, dev in cfg.devices.items():
        if dev.kind not in WIRED_KINDS:
            continue
        fam = family(dev.family)
        if fam is None or fam.kind != dev.kind:
            yield _unknown_family(dev_id, dev)
            continue
        if dev.link.scheme not in fam.links:
            yield ConfigIssue(("devices", dev_id, "link"),
                              f"family {fam.name} cannot use a {dev.link.scheme} link; "
                              f"use {', '.join(sorted(fam.links))}")
        if fam.address and dev.link.scheme in ("serial", "sim"):
            low, high = fam.address
            if dev.address is None:
                yield ConfigIssue(("devices", dev_id), f"{fam.name} devices share a line: "
                                  f"set address = {low}…{high}")
            elif not low <= dev.address <= high:
                yield ConfigIssue(("devices", dev_id, "address"),
                                  f"address {dev.address} is outside {low}…{high} for {fam.name}")
        yield from option_issues(("devices", dev_id, "options"), fam, dev.options)


def _unknown_family(dev_id: str, dev) -> ConfigIssue:
    known = families_for(dev.kind)
    if not known:
        everything = ", ".join(f"{f.name} ({f.kind})" for f in sorted(families().values(),
                                                                       key=lambda f: f.name))
        return ConfigIssue(("devices", dev_id, "family"),
                           f"no {dev.kind} family is installed yet, so nothing can drive "
                           f"{dev.family!r}; the families that exist are {everything}")
    return ConfigIssue(("devices", dev_id, "family"),
                       f"unknown {dev.kind} family {dev.family!r}; known: {', '.join(known)}",
                       closest(dev.family, known))


def _shared_lines(cfg: HallConfig):
    """Devices on one line speak one protocol at one setting, each kind at its own address."""
    lines: dict[str, list[tuple[str, str, str, str, int | None]]] = defaultdict(list)
    for dev_id, dev in cfg.devices.items():
        fam = family(getattr(dev, "family", ""))
        if fam is None or fam.kind != dev.kind or dev.link.scheme not in ("serial", "sim"):
            continue
        if fam.address is None and dev.link.scheme == "sim":
            continue  # a simulated network device: no shared line
        baud, fmt = fam.line_settings(dev.link)
        lines[dev.link.line_key].append((dev_id, fam.protocol, f"{baud},{fmt}", dev.kind, dev.address))
    for line, devs in lines.items():
        first_id, first_protocol, first_settings, _, _ = devs[0]
        seen: dict[tuple[str, int], str] = {}
        for dev_id, protocol, settings, kind, address in devs:
            if protocol != first_protocol:
                yield ConfigIssue(("devices", dev_id, "link"),
                                  f"{line} speaks {first_protocol} ({first_id!r}); "
                                  f"a {protocol} device needs a line of its own")
            elif settings != first_settings:
                yield ConfigIssue(("devices", dev_id, "link"),
                                  f"{line} runs at {first_settings} for {first_id!r} "
                                  f"but {settings} here; one port has one setting")
            if address is None:
                continue
            if (kind, address) in seen:
                yield ConfigIssue(("devices", dev_id, "address"),
                                  f"address {address} on {line} is already {seen[kind, address]!r}")
            else:
                seen[kind, address] = dev_id


def _simulated(cfg: HallConfig):
    """A ``sim://NAME`` is one simulator: one family, and one device unless that family's
    simulator holds a whole line of addressed devices."""
    first: dict[str, tuple[str, str]] = {}  # sim name -> (device id, family)
    for dev_id, dev in cfg.devices.items():
        fam = family(getattr(dev, "family", ""))
        if fam is None or fam.kind != dev.kind or fam.simulator is None or dev.link.scheme != "sim":
            continue
        if dev.link.target not in first:
            first[dev.link.target] = (dev_id, fam.name)
            continue
        other, other_family = first[dev.link.target]
        if other_family != fam.name:
            yield ConfigIssue(("devices", dev_id, "link"), f"sim://{dev.link.target} already "
                              f"simulates {other!r} ({other_family}); give this {fam.name} device "
                              "a simulator name of its own")
        elif not fam.simulator.shared_line:
            yield ConfigIssue(("devices", dev_id, "link"), f"sim://{dev.link.target} is {other!r}'s "
                              f"simulator; each {fam.name} device needs a name of its own")


def _lockers(cfg: HallConfig):
    ids = set()
    for i, locker in enumerate(cfg.lockers):
        if locker.id in ids:
            yield ConfigIssue(("lockers", i, "id"), f"locker id {locker.id!r} is used twice")
        ids.add(locker.id)
        numbers: dict[int, int] = {}
        used_locks: dict[tuple[str, int], int] = {}
        for j, group in enumerate(locker.compartments):
            loc = ("lockers", i, "compartments", j)
            yield from _ref(cfg, group.board, "locker_board", (*loc, "board"))
            board = cfg.devices.get(group.board)
            if board is not None and board.kind == "locker_board" and group.locks.stop - 1 > board.locks:
                yield ConfigIssue((*loc, "first_lock"),
                                  f"compartments {group.first}…{group.numbers.stop - 1} need locks "
                                  f"{group.first_lock}…{group.locks.stop - 1}, but board "
                                  f"{group.board!r} has {board.locks}")
            for n, lock in zip(group.numbers, group.locks, strict=True):
                if n in numbers:
                    yield ConfigIssue((*loc, "first"), f"compartment {n} is defined twice")
                    break
                if (group.board, lock) in used_locks:
                    yield ConfigIssue((*loc, "first_lock"),
                                      f"lock {lock} of {group.board!r} already opens compartment "
                                      f"{used_locks[group.board, lock]}")
                    break
                numbers[n] = j
                used_locks[group.board, lock] = n


def _bus(cfg: HallConfig):
    if cfg.bus.port == 0 and not cfg.bus.embedded:
        yield ConfigIssue(("bus", "port"), "port 0 (any free port) only works with embedded = true")
    if cfg.bus.tls and cfg.bus.embedded:
        yield ConfigIssue(("bus", "tls"), "the embedded broker listens on 127.0.0.1 only; TLS is "
                          "for an external broker (set embedded = false and point host at it)")
    if cfg.bus.tls and (cfg.bus.tls.cert is None) != (cfg.bus.tls.key is None):
        yield ConfigIssue(("bus", "tls"), "a client certificate needs both cert and key")


def _display_texts(cfg: HallConfig):
    """LED window displays have GB2312 fonts: texts they show must be GB2312 (protocol file)."""
    if not any(d.kind == "window_display" for d in cfg.devices.values()):
        return
    texts = [(("services", i, "name_zh"), s.name_zh) for i, s in enumerate(cfg.services)]
    texts += [(("windows", i, "name_zh"), w.name_zh) for i, w in enumerate(cfg.windows) if w.name_zh]
    for loc, text in texts:
        bad = outside_gb2312(text)
        if bad:
            yield ConfigIssue(loc, f"{bad} cannot be shown on LED window "
                              "displays (their fonts hold GB2312 only); use another character")


def _ticket_texts(cfg: HallConfig):
    """Ticket printers print the GB2312 set on every Chinese model (protocol file)."""
    if not any(d.kind == "printer" for d in cfg.devices.values()):
        return
    texts = [(("hall", "name_zh"), cfg.hall.name_zh)]
    texts += [(("services", i, "name_zh"), s.name_zh) for i, s in enumerate(cfg.services)]
    for loc, text in texts:
        bad = outside_gb2312(text)
        if bad:
            yield ConfigIssue(loc, f"{bad} is outside GB2312, which is all "
                              "some ticket printers can print; use another character")
