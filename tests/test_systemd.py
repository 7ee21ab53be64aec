"""The systemd template runs each daemon under the runtime's contract with systemd."""

import configparser

from hallkit.contract import DAEMONS

from conftest import ROOT


def test_template_unit_runs_any_daemon_as_notify_service():
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.read(ROOT / "systemd" / "hallkit@.service")
    service = unit["Service"]
    assert service["Type"] == "notify"
    assert service["RestartPreventExitStatus"] == "78"
    assert "hallctl run %i --config" in service["ExecStart"]
    assert "--check-config" in service["ExecStartPre"]
    assert int(service["WatchdogSec"]) >= 10
    assert DAEMONS  # every name in DAEMONS is a valid %i: `hallctl run NAME` accepts it
