"""Broker users and ACL from the hall config, enforced by a real mosquitto."""

from __future__ import annotations

import asyncio
import stat

import pytest

from hallkit.broker.acl import accounts, write_broker_files
from hallkit.broker.mosquitto import Mosquitto
from hallkit.bus.client import BusClient, BusError, BusSettings
from hallkit.bus.settings import OPS_USER, password_file
from hallkit.config.load import load_config

from conftest import small_hall

EXTRA = '''
[devices.lcd-1]
kind = "window_display"
family = "mqtt-lcd"
link = "mqtt"

[devices.board-1]
kind = "hall_board"
'''


@pytest.fixture
def secured(tmp_path, write_config):
    """A hall with auth, its generated files, and mosquitto enforcing them."""
    from hallkit.broker.mosquitto import free_port
    port = free_port()
    cfg = load_config(write_config(small_hall(tmp_path / "var", port=port, auth=True, extra=EXTRA)))
    passwd, acl = write_broker_files(cfg, tmp_path / "var" / "broker")
    broker = Mosquitto(tmp_path / "var" / "broker", port=port, password_file=passwd, acl_file=acl)
    broker.start()
    yield cfg, broker
    broker.stop()


def client(cfg, broker, user, client_id=None, password=None):
    pw = password or password_file(cfg, user).read_text().strip()
    return BusClient(BusSettings(host=broker.host, port=broker.port, username=user, password=pw),
                     client_id or user, hall=cfg.hall.id)


def test_every_client_gets_a_user_with_only_its_topics(tmp_path, write_config):
    cfg = load_config(write_config(small_hall(tmp_path / "var", auth=True, extra=EXTRA)))
    users = {a.user: a for a in accounts(cfg)}
    assert set(users) == {OPS_USER, "daemon-hall", "daemon-queue", "daemon-keypad",
                          "daemon-display", "daemon-printer", "kiosk-1", "board-1", "lcd-1"}
    kiosk = dict((t, a) for a, t in users["kiosk-1"].rules)
    assert kiosk["hall/t1/kiosk/kiosk-1/#"] == "readwrite"
    assert kiosk["hall/t1/hall/main/cmd/ping"] == "write"
    assert kiosk["hall/t1/queue/main/cmd/issue"] == "write"
    assert "hall/t1/queue/main/cmd/call-next" not in kiosk
    assert "hall/t1/hall/main/cmd/notice-add" not in kiosk
    assert not any("locker" in t for t in kiosk)
    lcd = dict((t, a) for a, t in users["lcd-1"].rules)  # an MQTT screen: its own topics only
    assert lcd["hall/t1/window_display/lcd-1/#"] == "readwrite"
    assert {t for t in lcd if "/cmd/" in t} == {"hall/t1/hall/main/cmd/ping",
                                                 "hall/t1/queue/main/cmd/ticket"}


def test_credentials_are_private_and_stable(secured):
    cfg, _ = secured
    path = password_file(cfg, "kiosk-1")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    before = path.read_text()
    write_broker_files(cfg, cfg.storage_path / "broker")
    assert path.read_text() == before


def test_acl_is_enforced_by_mosquitto(secured, run):
    cfg, broker = secured

    async def scenario():
        ops = client(cfg, broker, OPS_USER, "hallctl-test")
        kiosk = client(cfg, broker, "kiosk-1")
        got: list[str] = []
        ops.subscribe("hall/t1/#", lambda t, p: got.append(t))
        await ops.connect()
        await kiosk.connect()
        kiosk.publish("hall/t1/hall/main/cmd/ping", b"{}")             # allowed for kiosks
        kiosk.publish("hall/t1/queue/main/cmd/issue", b"{}")           # a kiosk takes tickets
        kiosk.publish("hall/t1/queue/main/cmd/call-next", b"{}")       # but calls none
        kiosk.publish("hall/t1/kiosk/kiosk-1/status", b"{}")           # its own topic
        kiosk.publish("hall/t1/locker_board/lb-1/cmd/open", b"{}")     # a locker's topic: no
        kiosk.publish("hall/t1/hall/main/cmd/notice-add", b"{}")       # not a kiosk's command
        kiosk.publish("hall/t1/kiosk/kiosk-2/status", b"{}")           # another kiosk: no
        await asyncio.sleep(0.5)
        await ops.close()
        await kiosk.close()
        return got

    assert sorted(run(scenario())) == ["hall/t1/hall/main/cmd/ping", "hall/t1/kiosk/kiosk-1/status",
                                       "hall/t1/queue/main/cmd/issue"]


def test_a_client_reads_only_replies_addressed_to_it(secured, run):
    cfg, broker = secured

    async def scenario():
        daemon = client(cfg, broker, "daemon-hall")
        kiosk = client(cfg, broker, "kiosk-1")
        got: list[str] = []
        kiosk.subscribe("hall/t1/hall/main/reply/#", lambda t, p: got.append(t))
        await daemon.connect()
        await kiosk.connect()
        daemon.publish("hall/t1/hall/main/reply/ping/kiosk-1", b"{}")
        daemon.publish("hall/t1/hall/main/reply/ping/board-1", b"{}")
        await asyncio.sleep(0.5)
        await daemon.close()
        await kiosk.close()
        return got

    assert run(scenario()) == ["hall/t1/hall/main/reply/ping/kiosk-1"]


def test_wrong_password_is_refused(secured, run):
    cfg, broker = secured

    async def scenario():
        intruder = client(cfg, broker, "kiosk-1", password="guess")
        with pytest.raises(BusError):
            await intruder.connect(timeout=1.5)

    run(scenario())
