"""The systemd template runs each daemon under the runtime's contract with systemd."""

import configparser

from hallkit.plugins import daemons

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


def test_every_daemon_name_is_a_valid_instance():
    from hallkit.cli.main import build_parser
    for name in daemons():  # what `hallkit@NAME` will run
        assert build_parser().parse_args(["run", name]).name == name


def test_the_units_to_enable_are_the_installed_daemons(capsys):
    from hallkit.cli.main import main
    assert main(["daemons", "--units"]) == 0
    assert capsys.readouterr().out.split() == [f"hallkit@{name}.service" for name in daemons()]


def test_the_unit_lets_daemons_open_their_devices_and_nothing_else():
    text = (ROOT / "systemd" / "hallkit@.service").read_text()
    lines = {line.strip() for line in text.splitlines()}
    assert "PrivateDevices=yes" not in lines  # it would hide every serial port and USB device
    assert "DevicePolicy=closed" in lines
    for device in ("ttyUSB", "ttyACM", "ttyS", "input", "usb_device", "usbmisc"):
        assert f"DeviceAllow=char-{device} rw" in lines
