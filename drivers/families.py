"""Device families: the config names a technician writes as ``family = "…"``.

Each family is backed by a codec, a driver and a simulator that sit side by side
in this package; a new board model is one more entry here plus those files, and
no daemon changes. Config check uses this table to validate devices.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from hallkit.drivers.escpos.options import OPTIONS as printer_option_names
from hallkit.drivers.escpos.options import check_options as printer_options
from hallkit.drivers.ff68.options import check_options as ff68_options
from hallkit.drivers.hid.keys import check_options as hid_options


@dataclass(frozen=True)
class Family:
    name: str
    kind: str
    links: frozenset[str]
    protocol: str  # what is spoken on the wire; one line speaks one protocol
    # Inclusive address range on a shared line; None: the device is not addressed.
    address: tuple[int, int] | None = None
    serial: str = "9600,8N1"  # default baud,format when the link does not say
    options: frozenset[str] = field(default_factory=frozenset)
    lock_counts: tuple[int, ...] = ()  # locker boards: the sizes this family is built in
    summary: str = ""
    # Checks option values: returns (option, problem) pairs. Lives beside the codec.
    check_options: Callable[[dict], list[tuple[str, str]]] | None = None


def _f(name, kind, links, protocol=None, **kw) -> Family:
    kw["options"] = frozenset(kw.get("options", ()))
    return Family(name, kind, frozenset(links.split()), protocol or name, **kw)


FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (
        _f("escpos", "printer", "usb serial tcp file sim",
           options=printer_option_names, check_options=printer_options,
           serial="19200,8N1", summary="80 mm thermal printer, ESC/POS"),
        _f("ff68", "keypad", "serial sim", address=(1, 254), options=("keymap",),
           check_options=ff68_options, summary="RS-485 clerk call keypad, FF 68 frames"),
        _f("hid-keypad", "keypad", "evdev", options=("keymap",), check_options=hid_options,
           summary="USB HID numeric pad used as call keypad"),
        _f("modbus-window", "window_display", "serial sim", address=(1, 247),
           options=("blink_seconds", "brightness", "welcome"),
           summary="window LED display, Modbus RTU register map"),
        _f("mqtt-lcd", "window_display", "mqtt sim", options=("welcome",),
           summary="LCD / Android window screen, JSON over MQTT"),
        _f("ff68-rating", "rating", "serial sim", "ff68", address=(1, 254),
           summary="rating pad on an FF 68 keypad (same address as its keypad)"),
        _f("hid-rating", "rating", "evdev", options=("keymap",),
           summary="USB HID 3- or 5-key rating pad"),
        _f("mqtt-tablet", "rating", "mqtt sim", summary="rating tablet or PyQt rating screen over MQTT"),
        _f("8a80", "locker_board", "serial sim", address=(1, 32),
           options=("open_level", "bitmask_order", "reports"), lock_counts=(12, 16, 24),
           summary="lock control board, 8A/80 frames"),
        _f("kerong-cu", "locker_board", "serial sim", address=(0, 15), serial="19200,8N1",
           options=("ir_sensors",), lock_counts=(12, 16), summary="Kerong CU12/CU16 lock board"),
        _f("hid-wedge", "scanner", "evdev sim", options=("max_length",),
           summary="barcode/QR scanner typing as a keyboard"),
    )
}


def families_for(kind: str) -> list[str]:
    return sorted(name for name, f in FAMILIES.items() if f.kind == kind)
