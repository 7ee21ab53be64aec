"""Device links as a technician writes them, parsed into one typed value.

    serial:/dev/serial/by-id/usb-FTDI_FT232R_A10K-if00-port0?baud=9600&format=8N1
    usb:0416:5011            usb:0416:5011:SN0042
    tcp:192.168.10.21:9100   file:/dev/usb/lp0
    evdev:/dev/input/by-id/usb-Honeywell_Scanner-event-kbd
    mqtt                     mqtt:custom/topic   (default: the device's own topic)
    sim://keypad-line-1      (a simulator started by `hallctl up`; devices
                              naming the same simulator share one simulated line)
"""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import parse_qsl

from pydantic import BaseModel, ConfigDict

Scheme = Literal["serial", "usb", "tcp", "file", "evdev", "mqtt", "sim"]
SCHEMES: tuple[str, ...] = Scheme.__args__

_FORMAT_RE = re.compile(r"^[5-8][NEOMS][12]$")
_HEX4 = re.compile(r"^[0-9a-fA-F]{4}$")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_UNSTABLE_TTY = re.compile(r"^/dev/tty(USB|ACM)\d+$")
BAUDS = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)


class Link(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    scheme: Scheme
    target: str = ""  # path, host:port, vid:pid[:serial], topic or simulator name
    baud: int | None = None
    format: str | None = None
    raw: str = ""

    def __str__(self) -> str:
        return self.raw or f"{self.scheme}:{self.target}"

    @property
    def line_key(self) -> str | None:
        """What identifies a shared physical line (a port, a simulator), if any."""
        if self.scheme in ("serial", "sim"):
            return f"{self.scheme}:{self.target}"
        return None


def parse_link(text: str) -> Link:
    """Parse a link string; raises ValueError with a sentence a technician can act on."""
    if not isinstance(text, str):
        raise ValueError("link must be a string such as 'serial:/dev/serial/by-id/…' or 'sim://NAME'")
    raw = text.strip()
    scheme, _, rest = raw.partition(":")
    if scheme not in SCHEMES:
        raise ValueError(f"unknown link type {scheme!r}: use one of {', '.join(SCHEMES)}")
    rest = rest.removeprefix("//") if scheme == "sim" else rest
    parse = _PARSERS[scheme]
    return Link(scheme=scheme, raw=raw, **parse(rest))


def _serial(rest: str) -> dict:
    path, _, query = rest.partition("?")
    if not path.startswith("/dev/"):
        raise ValueError("serial link needs a device path, e.g. serial:/dev/serial/by-id/usb-…-port0")
    if _UNSTABLE_TTY.match(path):
        raise ValueError(
            f"{path} is renumbered at boot; use its /dev/serial/by-id/… "
            "(or /dev/serial/by-path/…) name"
        )
    params = dict(parse_qsl(query, keep_blank_values=True))
    unknown = set(params) - {"baud", "format"}
    if unknown:
        raise ValueError(f"unknown serial setting(s) {', '.join(sorted(unknown))}: use baud=, format=")
    out: dict = {"target": path}
    if "baud" in params:
        if not params["baud"].isdigit() or int(params["baud"]) not in BAUDS:
            raise ValueError(f"baud {params['baud']!r} is not one of {', '.join(map(str, BAUDS))}")
        out["baud"] = int(params["baud"])
    if "format" in params:
        fmt = params["format"].upper()
        if not _FORMAT_RE.match(fmt):
            raise ValueError(f"format {params['format']!r} is not like 8N1 (bits, parity N/E/O, stop)")
        out["format"] = fmt
    return out


def _usb(rest: str) -> dict:
    parts = rest.split(":")
    if len(parts) not in (2, 3) or not all(_HEX4.match(p) for p in parts[:2]):
        raise ValueError("usb link is usb:VID:PID or usb:VID:PID:SERIAL with 4-digit hex ids")
    return {"target": ":".join([parts[0].lower(), parts[1].lower(), *parts[2:]])}


def _tcp(rest: str) -> dict:
    host, _, port = rest.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError("tcp link is tcp:HOST:PORT, e.g. tcp:192.168.10.21:9100")
    return {"target": f"{host}:{int(port)}"}


def _path(prefix: str, example: str):
    def parse(rest: str) -> dict:
        if not rest.startswith(prefix):
            raise ValueError(f"link needs a path under {prefix}, e.g. {example}")
        return {"target": rest}
    return parse


def _evdev(rest: str) -> dict:
    if not re.match(r"^/dev/input/(by-id|by-path)/\S+$", rest):
        raise ValueError(
            "evdev link needs /dev/input/by-id/… or /dev/input/by-path/… "
            "(eventN is renumbered at boot)"
        )
    return {"target": rest}


def _mqtt(rest: str) -> dict:
    if rest and (any(c in rest for c in "#+") or rest.startswith("/")):
        raise ValueError("mqtt link topic may not contain wildcards or start with '/'")
    return {"target": rest}


def _sim(rest: str) -> dict:
    if not _NAME_RE.match(rest):
        raise ValueError("simulator link is sim://NAME with letters, digits, '-', '_' or '.'")
    return {"target": rest}


_PARSERS = {
    "serial": _serial,
    "usb": _usb,
    "tcp": _tcp,
    "file": _path("/dev/", "file:/dev/usb/lp0"),
    "evdev": _evdev,
    "mqtt": _mqtt,
    "sim": _sim,
}
