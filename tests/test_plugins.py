"""A family shipped as its own package, declared through the hallkit.families entry point,
is picked up by config check, the simulator host, `hallctl sim` and `hallctl status`
with no edit to hallkit (tests/plugins/ holds it, as a vendor's pip package would)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import time

import pytest
from pydantic import BaseModel, ConfigDict, Field

from hallkit.bus.client import BusClient
from hallkit.bus.settings import bus_settings
from hallkit.config.load import check_text, load_config
from hallkit.contract.topics import Topics

from conftest import PLUGINS, hallctl_argv, small_hall

TOY = '''
[devices.toy-1]
kind = "locker_board"
family = "toy-board"
link = "sim://toy-line"
address = 1
locks = 16
options = { open_ms = 250 }

[devices.toy-2]
kind = "locker_board"
family = "toy-board"
link = "sim://toy-line"
address = 2
locks = 16
'''


@pytest.fixture
def vendor_env(child_env):
    """The environment of a hall box where the vendor's package is installed."""
    return {**child_env, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(PLUGINS), child_env.get("PYTHONPATH")]))}


def hallctl(env, *args, timeout=30):
    return subprocess.run(hallctl_argv(*args), capture_output=True, text=True, env=env, timeout=timeout)


def test_without_the_package_the_family_is_refused(tmp_path, write_config, child_env):
    path = write_config(small_hall(tmp_path / "var", extra=TOY))
    proc = hallctl(child_env, "config", "check", str(path))
    assert proc.returncode == 78
    assert "unknown locker_board family 'toy-board'; known: 8a80, kerong-cu" in proc.stdout


def test_config_check_validates_the_vendor_family_and_its_options(tmp_path, write_config, vendor_env):
    ok = write_config(small_hall(tmp_path / "var", extra=TOY))
    proc = hallctl(vendor_env, "config", "check", str(ok))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "locker_board" in proc.stdout and "toy-board" in proc.stdout
    bad = write_config(small_hall(tmp_path / "var", extra=TOY.replace("open_ms = 250", "open_ms = 5")),
                       "bad.toml")
    proc = hallctl(vendor_env, "config", "check", str(bad))
    line = bad.read_text().splitlines().index("options = { open_ms = 5 }") + 1
    assert proc.returncode == 78
    assert f"{bad}:{line}: devices.toy-1.options.open_ms: Input should be greater than or equal " \
           "to 50 (how long a lock is powered to open)" in proc.stdout


@pytest.mark.slow
def test_simulator_host_sim_cli_and_status_run_the_vendor_family(tmp_path, write_config, broker,
                                                                   vendor_env, toy_family):
    path = write_config(small_hall(tmp_path / "var", port=broker.port, extra=TOY))
    host = subprocess.Popen(hallctl_argv("sim", "run", "-c", str(path)), env=vendor_env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        runfile = tmp_path / "var" / "run" / "sim" / "toy-line.json"
        deadline = time.monotonic() + 15
        while not runfile.exists():
            assert host.poll() is None and time.monotonic() < deadline, host.stdout.read()
            time.sleep(0.05)
        pty = json.loads(runfile.read_text())["path"]
        port = os.open(pty, os.O_RDONLY | os.O_NONBLOCK)  # the line a board driver would open

        proc = hallctl(vendor_env, "sim", "poke", "toy-2", "3", "-c", str(path))
        assert (proc.returncode, proc.stdout.strip()) == (0, "toy-2: lock 3 open (300 ms)"), proc.stderr
        time.sleep(0.2)
        assert os.read(port, 100) == b"OPEN 2 3\r\n"  # the simulator spoke on its pty
        os.close(port)

        proc = hallctl(vendor_env, "sim", "poke", "toy-1", "x", "-c", str(path))
        assert proc.returncode == 1 and "lock 'x' is not a number" in proc.stderr
        assert asyncio.run(_sim_command_as(load_config(path), "kiosk-1", "poke", {"device": "toy-2"})
                           ).error.code == "forbidden"  # simulators take commands from ops only

        shows = hallctl(vendor_env, "sim", "show", "-c", str(path)).stdout.splitlines()
        assert [line.split()[0] for line in shows] == ["toy-1", "toy-2"]
        assert "open: [3]" in shows[1]

        status = json.loads(hallctl(vendor_env, "status", "--json", "-c", str(path)).stdout)
        rows = {r["id"]: r for r in status}
        assert rows["sim"]["state"] == "online"
        assert rows["toy-1"]["family"] == "toy-board" and rows["toy-1"]["kind"] == "locker_board"
        assert rows["toy-1"]["state"] == "unknown"  # no daemon drives lock boards yet: said as such
    finally:
        host.terminate()
        host.wait(10)
    assert not runfile.exists()


async def _sim_command_as(cfg, user: str, action: str, data: dict):
    client = BusClient(bus_settings(cfg, user), f"test-{user}", hall=cfg.hall.id)
    await client.connect()
    try:
        return await client.request(Topics(cfg.hall.id, "sim").cmd(action), data)
    finally:
        await client.close()


def test_the_registry_call_is_what_the_entry_point_does(toy_family):
    from hallkit.drivers.sim.contract import sim_actions
    from hallkit.plugins import families_for

    assert families_for("locker_board") == ["8a80", "kerong-cu", "toy-board"]
    assert "poke" in sim_actions()


def test_a_clashing_vendor_action_is_left_out_not_fatal(toy_family, caplog):
    import dataclasses

    from hallkit.cli.main import build_parser
    from hallkit.drivers.sim.contract import sim_actions
    from hallkit.plugins import SimAction, register_family
    from hallkit.plugins.registry import unregister

    clash = dataclasses.replace(toy_family, name="toy-clash", simulator=dataclasses.replace(
        toy_family.simulator, actions=(SimAction("run", "clashes with hallctl sim run"),
                                       SimAction("poke", "other arguments than toy-board's poke"))))
    register_family(clash)
    try:
        with caplog.at_level("ERROR"):
            actions = sim_actions()
            build_parser()  # hallctl still starts
        assert "run" not in actions and actions["poke"] is toy_family.simulator.actions[0]
        said = {r.getMessage() for r in caplog.records if "toy-clash" in r.getMessage()}
        assert said == {"family toy-clash: simulator action 'run' clashes with hallctl sim's own "
                        "subcommand; left out",
                        "family toy-clash: simulator action 'poke' takes other arguments than another "
                        "family's action of that name; left out"}
    finally:
        unregister("toy-clash")


class _ToySettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    volume: int = Field(5, ge=0, le=10, description="how loud the toy announces")


def test_a_daemons_own_config_section_is_typed_and_located(tmp_path):
    from hallkit.contract.spec import Contract
    from hallkit.plugins import register_daemon
    from hallkit.plugins.daemon import DaemonSpec
    from hallkit.plugins.registry import unregister

    register_daemon(DaemonSpec(name="toy", summary="a toy", implementation="x:Y", contract=Contract(),
                               order=99, section="toy", settings=_ToySettings))
    register_daemon(DaemonSpec(name="thief", summary="takes a core section", implementation="x:Y",
                               contract=Contract(), order=99, section="bus", settings=_ToySettings))
    try:
        base = small_hall(tmp_path / "var")
        cfg, issues = check_text(base + '\n[toy]\nvolume = 7\n')
        assert not issues and cfg.section("toy") == _ToySettings(volume=7)
        assert check_text(base)[0].section("toy") == _ToySettings()  # defaults when left out
        _, issues = check_text(base + '\n[toy]\nvolum = 7\n')
        assert [i.format("h.toml") for i in issues] == [
            f"h.toml:{base.count(chr(10)) + 3}: toy.volum: unknown key 'volum' (did you mean 'volume'?)"]
        _, issues = check_text(base + '\n[toy]\nvolume = 11\n')
        assert "toy.volume: Input should be less than or equal to 10" in issues[0].format("h")
        assert check_text(base)[0].bus.port == 1883  # the thief's section was left out
    finally:
        unregister("toy")
        unregister("thief")
    _, issues = check_text(small_hall(tmp_path / "var") + '\n[toy]\nvolume = 7\n')
    assert issues and "unknown key 'toy'" in issues[0].message  # uninstalled: an unknown section
