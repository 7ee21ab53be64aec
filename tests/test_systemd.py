"""Every daemon has a unit that uses the runtime's contract with systemd."""

import configparser

from hallkit.contract import DAEMONS

from conftest import ROOT


def test_one_notify_unit_per_daemon():
    for name in DAEMONS:
        unit = configparser.ConfigParser(strict=False, interpolation=None)
        unit.read(ROOT / "systemd" / f"hallkit-{name}.service")
        service = unit["Service"]
        assert service["Type"] == "notify"
        assert service["RestartPreventExitStatus"] == "78"
        assert f"run {name} " in service["ExecStart"]
        assert "--check-config" in service["ExecStartPre"]
        assert int(service["WatchdogSec"]) >= 10
