"""Broker users and ACL from the hall config, enforced by a real mosquitto."""

from __future__ import annotations

import asyncio
import stat
import subprocess

import pytest

from hallkit.broker.acl import accounts, write_broker_files
from hallkit.bus.client import BusClient, BusError, BusSettings
from hallkit.bus.settings import OPS_USER, password_file
from hallkit.config.load import load_config

from conftest import as_user, enforcing_broker, hallctl_argv, small_hall

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
    cfg = load_config(write_config(small_hall(tmp_path / "var", port=free_port(), auth=True,
                                              extra=EXTRA)))
    with enforcing_broker(cfg) as broker:
        yield cfg, broker


client = as_user


def test_every_client_gets_a_user_with_only_its_topics(tmp_path, write_config):
    cfg = load_config(write_config(small_hall(tmp_path / "var", auth=True, extra=EXTRA)))
    users = {a.user: a for a in accounts(cfg)}
    assert set(users) == {OPS_USER, "daemon-hall", "daemon-queue", "daemon-keypad",
                          "daemon-kiosk_devices", "daemon-display", "daemon-printer", "daemon-cases",
                          "daemon-guide", "daemon-voice", "daemon-locker", "daemon-rating", "kiosk-1",
                          "board-1", "lcd-1"}
    kiosk = dict((t, a) for a, t in users["kiosk-1"].rules)
    assert kiosk["hall/t1/kiosk/kiosk-1/#"] == "readwrite"
    assert kiosk["hall/t1/hall/main/cmd/ping/kiosk-1"] == "write"  # under its own name only
    assert kiosk["hall/t1/queue/main/cmd/issue/kiosk-1"] == "write"
    assert not any("call-next" in t or "notice-add" in t for t in kiosk)
    assert not any("locker_board" in t for t in kiosk)  # the boards are the locker daemon's alone
    assert "hall/t1/queue/main/event/issued" not in kiosk  # the ticket's secret: daemons only
    assert kiosk["hall/t1/queue/main/event/called"] == "read"
    lcd = dict((t, a) for a, t in users["lcd-1"].rules)  # an MQTT screen: its own topics only
    assert lcd["hall/t1/window_display/lcd-1/#"] == "readwrite"
    assert {t for t in lcd if "/cmd/" in t} == {"hall/t1/hall/main/cmd/ping/lcd-1",
                                                 "hall/t1/queue/main/cmd/ticket/lcd-1"}
    ops = dict((t, a) for a, t in users[OPS_USER].rules)
    assert ops["hall/t1/queue/main/cmd/call-next/+"] == "read"  # watching clerks' commands
    assert "hall/t1/queue/main/cmd/issue/+" not in ops  # ID and phone numbers: the queue only
    assert not any(t.endswith("#") and a != "write" for t, a in ops.items())


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
        queue = client(cfg, broker, "daemon-queue")
        kiosk = client(cfg, broker, "kiosk-1")
        seen: dict[str, list[str]] = {"ops": [], "queue": []}
        for pattern in ("hall/t1/+/+/cmd/+/+", "hall/t1/kiosk/+/status"):
            ops.subscribe(pattern, lambda t, p: seen["ops"].append(t))
        queue.subscribe("hall/t1/queue/main/cmd/+/+", lambda t, p: seen["queue"].append(t))
        for c in (ops, queue, kiosk):
            await c.connect()
        kiosk.publish("hall/t1/hall/main/cmd/ping/kiosk-1", b"{}")        # allowed for kiosks
        kiosk.publish("hall/t1/queue/main/cmd/call-next/kiosk-1", b"{}")  # but calls none
        kiosk.publish("hall/t1/queue/main/cmd/issue/daemon-queue", b"{}")  # nor speaks for others
        kiosk.publish("hall/t1/queue/main/cmd/issue", b"{}")              # nor leaves its name out
        kiosk.publish("hall/t1/locker_board/lb-1/cmd/open", b"{}")        # a locker's topic: no
        kiosk.publish("hall/t1/hall/main/cmd/notice-add/kiosk-1", b"{}")  # not a kiosk's command
        kiosk.publish("hall/t1/kiosk/kiosk-2/status", b"{}")              # another kiosk: no
        kiosk.publish("hall/t1/queue/main/cmd/issue/kiosk-1", b"{}")      # a kiosk takes tickets
        kiosk.publish("hall/t1/kiosk/kiosk-1/status", b"{}")              # its own topic
        # The last two are the sentinels: once each observer has its one, whatever was sent
        # before it and allowed would have arrived too.
        for _ in range(300):
            if "hall/t1/kiosk/kiosk-1/status" in seen["ops"] and seen["queue"]:
                break
            await asyncio.sleep(0.01)
        for c in (ops, queue, kiosk):
            await c.close()
        return seen

    seen = run(scenario())
    # ops sees the ping and the kiosk's status, not the issue command (it may carry an ID number)
    assert sorted(seen["ops"]) == ["hall/t1/hall/main/cmd/ping/kiosk-1", "hall/t1/kiosk/kiosk-1/status"]
    assert seen["queue"] == ["hall/t1/queue/main/cmd/issue/kiosk-1"]


def test_a_client_reads_only_replies_addressed_to_it(secured, run):
    cfg, broker = secured

    async def scenario():
        daemon = client(cfg, broker, "daemon-hall")
        kiosk = client(cfg, broker, "kiosk-1")
        got: list[str] = []
        kiosk.subscribe("hall/t1/hall/main/reply/#", lambda t, p: got.append(t))
        await daemon.connect()
        await kiosk.connect()
        daemon.publish("hall/t1/hall/main/reply/ping/board-1", b"{}")
        daemon.publish("hall/t1/hall/main/reply/ping/kiosk-1", b"{}")  # the sentinel: after it
        for _ in range(300):
            if got:
                break
            await asyncio.sleep(0.01)
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


def test_two_connections_of_one_user_over_the_network_cannot_both_stay(secured, run):
    """The network listener ties the client id to the username: a second connection as
    kiosk-1, whatever client id it asks for, replaces the first; it never replaces anyone else."""
    cfg, broker = secured

    async def scenario():
        first = client(cfg, broker, "kiosk-1", "kiosk-1")
        await first.connect()
        second = client(cfg, broker, "kiosk-1", "daemon-queue")
        await second.connect()
        kicked = False
        for _ in range(50):
            kicked = kicked or not first.connected.is_set()
            await asyncio.sleep(0.01)
        await first.close()
        await second.close()
        return kicked

    assert run(scenario())


def test_hallctl_runs_more_than_once_at_a_time_over_the_ops_socket(secured, run):
    cfg, broker = secured
    pw = password_file(cfg, OPS_USER).read_text().strip()
    on_socket = BusSettings(socket=broker.ops_socket, username=OPS_USER, password=pw)

    async def scenario():
        tools = [BusClient(on_socket, f"hallctl-{n}", hall="t1") for n in range(3)]
        for t in tools:
            await t.connect()
        await asyncio.sleep(0.5)
        up = [t.connected.is_set() for t in tools]
        for t in tools:
            await t.close()
        return up

    assert stat.S_IMODE(broker.ops_socket.parent.stat().st_mode) == 0o700
    assert run(scenario()) == [True, True, True]


def test_broker_acl_writes_a_tls_listener_or_nothing(tmp_path, write_config, child_env):
    text = small_hall(tmp_path / "var", auth=True).replace(
        "[bus]", '[bus.tls]\nca = "pki/ca.crt"\n\n[bus]')
    path = write_config(text)
    out = tmp_path / "out"
    refused = subprocess.run(hallctl_argv("broker", "acl", str(path), "--out", str(out)),
                             capture_output=True, text=True, env=child_env)
    assert refused.returncode == 78 and "server_cert" in refused.stderr and not out.exists()
    path.write_text(text.replace('ca = "pki/ca.crt"', 'ca = "pki/ca.crt"\nserver_cert = '
                                 '"pki/server.crt"\nserver_key = "pki/server.key"'))
    done = subprocess.run(hallctl_argv("broker", "acl", str(path), "--out", str(out)),
                          capture_output=True, text=True, env=child_env)
    assert done.returncode == 0, done.stderr
    conf = (out / "hallkit-listeners.conf").read_text().splitlines()
    listener = conf.index("listener 1883")  # every interface, and only with TLS
    assert conf[listener + 1:listener + 5] == [
        "use_username_as_clientid true", f"cafile {tmp_path / 'pki/ca.crt'}",
        f"certfile {tmp_path / 'pki/server.crt'}", f"keyfile {tmp_path / 'pki/server.key'}"]
    assert "allow_anonymous false" in conf and "message_size_limit 65536" in conf
