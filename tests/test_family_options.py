"""Every option of every installed family, given the wrong type or a value out of range, is a
located error (FILE:LINE: devices.ID.options.KEY: …) with exit 78 — from `hallctl config check`
and from `hallctl run NAME --check-config` alike — and never a traceback."""

from __future__ import annotations

import subprocess
import types
import typing

import pytest
from annotated_types import Ge, Le
from pydantic.fields import FieldInfo

from hallkit.config.load import check_text
from hallkit.plugins import families

from conftest import hallctl_argv, small_hall

LINKS = {"serial": "serial:/dev/serial/by-id/usb-FTDI_X-if00-port0", "usb": "usb:0416:5011",
         "tcp": "tcp:192.168.10.21:9100", "evdev": "evdev:/dev/input/by-id/usb-Pad-event-kbd",
         "mqtt": "mqtt", "file": "file:/dev/usb/lp0", "sim": "sim://x"}


def _toml(value) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    return str(value)


def _bad_values(field: FieldInfo) -> list[tuple[str, object]]:
    """(what, value) a technician might write that the option must refuse."""
    tp = field.annotation
    optional = typing.get_origin(tp) in (typing.Union, types.UnionType)
    core = next(a for a in typing.get_args(tp) if a is not type(None)) if optional else tp
    origin = typing.get_origin(core)
    args = typing.get_args(core)
    out: list[tuple[str, object]] = []
    if core is bool:
        out.append(("string for a bool", "yes"))
    elif core is int:
        out.append(("string for a number", "8"))
        out.append(("bool for a number", True))
        for m in field.metadata:
            if isinstance(m, Ge):
                out.append(("below the range", m.ge - 1))
            if isinstance(m, Le):
                out.append(("above the range", m.le + 1))
    elif core is str:
        out.append(("number for a text", 5))
    elif origin is typing.Literal:
        out.append(("not one of the choices", "nonsense" if isinstance(args[0], str) else 999))
    elif origin is dict:
        out.append(("not a table", 5))
        out.append(("a table of wrong entries", {"KEY_NOPE": "confirm:zz", "nokey": "0xZZ"}))
    else:
        raise AssertionError(f"add bad values for {tp!r}")
    return out


CASES = [(fam.name, key, what, value)
         for fam in families().values() for key, field in fam.options.model_fields.items()
         for what, value in _bad_values(field)]


def device(fam, options: str) -> str:
    scheme = next(s for s in ("serial", "usb", "tcp", "evdev", "mqtt", "file") if s in fam.links)
    lines = ["[devices.d-1]", f'kind = "{fam.kind}"', f'family = "{fam.name}"',
             f'link = "{LINKS[scheme]}"']
    if fam.address:
        lines.append(f"address = {fam.address[0]}")
    if fam.kind == "locker_board":
        lines.append("locks = 12")
    lines.append(f"options = {options}  # <-")
    return "\n".join(lines) + "\n"


def test_every_family_option_has_cases():
    covered = {(f, k) for f, k, _, _ in CASES}
    assert covered == {(fam.name, k) for fam in families().values() for k in fam.options.model_fields}


@pytest.mark.parametrize("family,key,what,value", CASES, ids=[f"{c[0]}.{c[1]}: {c[2]}" for c in CASES])
def test_a_wrong_option_is_a_located_error(tmp_path, family, key, what, value):
    fam = families()[family]
    text = small_hall(tmp_path / "var", extra=device(fam, "{ " + f"{key} = {_toml(value)}" + " }"))
    cfg, issues = check_text(text)
    marked = next(i for i, line in enumerate(text.splitlines(), 1) if "# <-" in line)
    assert cfg is None
    mine = [i for i in issues if i.loc[:4] == ("devices", "d-1", "options", key)]
    assert mine, [i.format("f") for i in issues]
    assert all(i.line == marked for i in mine)


def test_defaults_of_every_family_are_valid(tmp_path):
    for fam in families().values():
        cfg, issues = check_text(small_hall(tmp_path / "var", extra=device(fam, "{}")))
        assert not issues, [i.format("f") for i in issues]
        assert cfg.options("d-1") == fam.options()


@pytest.mark.parametrize("name", ["hid keymap confirm:zz", "modbus brightness high"])
def test_check_config_of_a_daemon_agrees_with_config_check(tmp_path, write_config, name):
    fam, options, daemon = {
        "hid keymap confirm:zz": ("hid-keypad", '{ keymap = { KEY_F1 = "confirm:zz" } }', "keypad"),
        "modbus brightness high": ("modbus-window", '{ brightness = "high" }', "display"),
    }[name]
    path = write_config(small_hall(tmp_path / "var", extra=device(families()[fam], options)))
    check = subprocess.run(hallctl_argv("config", "check", str(path)), capture_output=True, text=True)
    run = subprocess.run(hallctl_argv("run", daemon, "-c", str(path), "--check-config"),
                         capture_output=True, text=True)
    assert check.returncode == run.returncode == 78
    assert "Traceback" not in check.stdout + check.stderr + run.stdout + run.stderr
    problems = [line for line in check.stdout.splitlines() if line.startswith(str(path))]
    assert problems and problems == [line for line in run.stderr.splitlines() if line.startswith(str(path))]
    assert "devices.d-1.options." in problems[0]
