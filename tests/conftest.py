"""Shared fixtures: a real mosquitto on a free port, small hall configs, ptys."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # UI tests draw into memory, no screen

import pytest

from hallkit.broker.mosquitto import Mosquitto
from hallkit.config.load import load_config

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "config" / "demo-hall.toml"
sys.path.insert(0, str(ROOT / "bench"))  # hall_storage: the slow-disk shim tests run under
ALL_DAY = "\n".join(f'{d} = ["00:00-24:00"]' for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))


def small_hall(storage: Path, *, port: int = 1883, embedded: bool = False, auth: bool = False,
               extra: str = "", all_day: bool = False) -> str:
    """A valid hall with two services and two windows; tests append what they need.
    ``all_day``: open around the clock (else Mondays only, in office hours)."""
    hours = ALL_DAY if all_day else 'mon = ["08:30-12:00", "13:30-17:30"]'
    return f'''
storage_dir = "{storage}"

[hall]
id = "t1"
name_zh = "测试大厅"
name_en = "Test Hall"
demo = true

[hall.opening_hours]
{hours}

[bus]
embedded = {str(embedded).lower()}
port = {port}
auth = {str(auth).lower()}

[[services]]
code = "BDC"
prefix = "A"
name_zh = "不动产登记"
name_en = "Real Estate"
daily_quota = 100

[[services]]
code = "SB"
prefix = "B"
name_zh = "社保"
name_en = "Social Insurance"

[[windows]]
number = 1
services = ["BDC"]

[[windows]]
number = 2
services = ["SB", "BDC"]

[devices.kiosk-1]
kind = "kiosk"
{extra}'''


@pytest.fixture
def write_config(tmp_path):
    def write(text: str, name: str = "hall.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path
    return write


@pytest.fixture
def broker(tmp_path):
    """A real, anonymous mosquitto on a free port."""
    b = Mosquitto(tmp_path / "broker")
    b.start()
    yield b
    b.stop()


def kiosk_1_devices(more: str = "") -> str:
    """small_hall's ``extra`` giving kiosk-1 a printer, an ID card reader and a scanner, all
    simulated (``more``: further keys of kiosk-1)."""
    return f'''printer = "p-1"
id_reader = "idr-1"
scanner = "scan-1"
{more}
[devices.p-1]
kind = "printer"
family = "escpos"
link = "sim://p-1"

[devices.idr-1]
kind = "id_reader"
family = "idcard-sam"
link = "sim://idr-1"

[devices.scan-1]
kind = "scanner"
family = "serial-scanner"
link = "sim://scan-1"
'''


@contextlib.contextmanager
def enforcing_broker(cfg):
    """mosquitto on the hall's port with the users and ACL generated from its config."""
    from hallkit.broker.acl import write_broker_files

    folder = cfg.storage_path / "broker"
    passwd, acl = write_broker_files(cfg, folder)
    broker = Mosquitto(folder, port=cfg.bus.port, password_file=passwd, acl_file=acl)
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


def as_user(cfg, broker, user: str, client_id: str | None = None, password: str | None = None):
    """A bus client signed in as ``user`` with its generated password (or ``password``)."""
    from hallkit.bus.client import BusClient, BusSettings
    from hallkit.bus.settings import password_file

    pw = password or password_file(cfg, user).read_text().strip()
    return BusClient(BusSettings(host=broker.host, port=broker.port, username=user, password=pw),
                     client_id or user, hall=cfg.hall.id)


@pytest.fixture
def hall_cfg(tmp_path, broker, write_config):
    """A small hall config pointing at the test broker."""
    return load_config(write_config(small_hall(tmp_path / "var", port=broker.port)))


@pytest.fixture
def run():
    """Run a coroutine to completion (tests stay plain functions)."""
    def runner(coro, timeout: float = 30.0):
        return asyncio.run(asyncio.wait_for(coro, timeout))
    return runner


def hallctl_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "hallkit.cli.main", *args]


@pytest.fixture
def child_env():
    env = dict(os.environ)
    env.pop("NOTIFY_SOCKET", None)
    env.pop("WATCHDOG_USEC", None)
    return env


class DaemonHarness:
    """A daemon running in this process's loop, plus a client to talk to it."""

    def __init__(self, daemon, client, task):
        self.daemon, self.client, self.task = daemon, client, task

    async def request(self, action: str, data=None, **kw):
        return await self.client.request(self.daemon.topics.cmd(action), data, **kw)


def harness(daemon_cls, cfg, clock=None, user: str = "hallctl"):
    """``async with harness(HallDaemon, cfg) as h:`` starts it, waits online, stops it after."""
    import contextlib

    from hallkit.bus.client import BusClient
    from hallkit.bus.settings import bus_settings, daemon_user
    from hallkit.clock import SystemClock

    @contextlib.asynccontextmanager
    async def ctx():
        daemon = daemon_cls(cfg, clock=clock or SystemClock(cfg.hall.timezone),
                            bus_settings=bus_settings(cfg, daemon_user(daemon_cls.name)))
        task = asyncio.create_task(daemon.run())
        # Talks as ops (hallctl) unless a test picks another user of the hall.
        client = BusClient(bus_settings(cfg, user), f"test-{user}-{daemon_cls.name}", hall=cfg.hall.id)
        await client.connect()
        while not daemon._online:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        try:
            yield DaemonHarness(daemon, client, task)
        finally:
            daemon.request_stop()
            await asyncio.wait_for(task, 5)
            await client.close()

    return ctx()


PLUGINS = ROOT / "tests" / "plugins"  # a vendor's family package, with its entry point


@pytest.fixture
def toy_family():
    """The toy lock board family, registered in this process the way its entry point would."""
    from hallkit.plugins import register_family
    from hallkit.plugins.registry import unregister

    sys.path.insert(0, str(PLUGINS))
    import toyboard

    register_family(toyboard.FAMILY)
    yield toyboard.FAMILY
    unregister(toyboard.FAMILY.name)
    sys.path.remove(str(PLUGINS))


@pytest.fixture
def kit(tmp_path):
    """The queue engine with a manual clock and three clerks logged in (tests/queue_kit.py)."""
    from queue_kit import Kit

    k = Kit(tmp_path)
    for window, clerk in ((1, "1001"), (2, "1002"), (3, "1003")):
        k.login(window, clerk)
    return k
