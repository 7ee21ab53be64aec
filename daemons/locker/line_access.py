"""Only the locker daemon may open the lock boards' lines and the SMS modem: a udev rule
gives each of them to a group of its own, and a systemd drop-in gives that group to
hallkit@locker alone. Every daemon runs as the user hallkit with the dialout group (for
keypads, displays, printers): without this, any of them could pulse a latch or send an
SMS under the hall's signature. ModemManager is told to leave the modem alone.
"""

from __future__ import annotations

from hallkit.config.model import HallConfig

GROUP = "hallkit-locker"
RULES_FILE = "70-hallkit-locker.rules"
DROPIN_DIR = "hallkit@locker.service.d"
DROPIN = f"""# Written by `hallctl locker lines`: the lock boards' lines are this daemon's alone.
[Service]
SupplementaryGroups={GROUP}
"""


class LineAccessError(ValueError):
    pass


def lock_lines(cfg: HallConfig) -> dict[str, list[str]]:
    """Each serial line with lock boards: its path, and the boards on it."""
    lines: dict[str, list[str]] = {}
    for dev_id, dev in cfg.devices.items():
        if dev.kind == "locker_board" and dev.link.scheme == "serial":
            lines.setdefault(dev.link.target, []).append(dev_id)
    return lines


def _by_id(path: str, what: str) -> str:
    if not path.startswith("/dev/serial/by-id/"):
        raise LineAccessError(f"{path} ({what}): give it by its /dev/serial/by-id/… name, which a udev "
                              "rule can match")
    return path.removeprefix("/dev/")


def udev_rules(cfg: HallConfig) -> str:
    """One rule per line (and for the modem), matched by the stable name udev gave it."""
    out = [f"# Written by `hallctl locker lines`: lock board lines belong to group {GROUP}, which only",
           "# hallkit@locker has (its drop-in). Install in /etc/udev/rules.d/, then",
           "#   groupadd --system hallkit-locker; udevadm control --reload; udevadm trigger",
           "#   systemctl daemon-reload; systemctl restart hallkit@locker   (its new group)"]
    for path, boards in sorted(lock_lines(cfg).items()):
        symlink = _by_id(path, f"lock boards {', '.join(boards)}")
        out.append(f"# {', '.join(boards)}")  # udev takes no comment after a rule
        out.append(f'SUBSYSTEM=="tty", SYMLINK=="{symlink}", GROUP="{GROUP}", MODE="0660"')
    sms = cfg.section("locker").sms
    if sms.backend == "modem":
        symlink = _by_id(sms.modem_port, "[locker.sms] modem_port")
        out.append("# the SMS modem's AT port")
        out.append(f'SUBSYSTEM=="tty", SYMLINK=="{symlink}", GROUP="{GROUP}", MODE="0660", '
                   'ENV{ID_MM_DEVICE_IGNORE}="1"')
    return "\n".join(out) + "\n"
