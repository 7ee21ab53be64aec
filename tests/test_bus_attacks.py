"""A stolen kiosk password against the real mosquitto, ACL and queue daemon: each attack fails.

The hall below has passwords on, lists its clerks (one with a PIN) and is not a
demo hall. The attacker holds kiosk-1's password, as anyone who walks off with
a kiosk PC would.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3

import pytest

from hallkit.broker.mosquitto import free_port
from hallkit.bus.client import BusClient, BusError, BusTimeout
from hallkit.bus.settings import bus_settings, daemon_user
from hallkit.clock import SystemClock
from hallkit.config.load import load_config
from hallkit.daemons.queue.daemon import QueueDaemon
from hallkit.pins import hash_pin

from conftest import as_user, enforcing_broker, small_hall

EXTRA = f'''
[devices.kiosk-2]
kind = "kiosk"

[devices.console-1]
kind = "console"
window = 1

[devices.board-1]
kind = "hall_board"

[[clerks]]
id = "1001"
name_zh = "张三"
pin_hash = "{hash_pin("2468", iterations=1000)}"
'''
ID_NUMBER = "11010519491231002X"


@pytest.fixture
def secured(tmp_path, write_config):
    text = small_hall(tmp_path / "var", port=free_port(), auth=True, extra=EXTRA, all_day=True)
    cfg = load_config(write_config(text.replace("demo = true", "demo = false")))
    with enforcing_broker(cfg) as broker:
        yield cfg, broker


@contextlib.asynccontextmanager
async def queue_running(cfg):
    daemon = QueueDaemon(cfg, clock=SystemClock(cfg.hall.timezone),
                         bus_settings=bus_settings(cfg, daemon_user("queue")))
    task = asyncio.create_task(daemon.run())
    while not daemon._online:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield daemon
    finally:
        daemon.request_stop()
        await asyncio.wait_for(task, 5)


@contextlib.asynccontextmanager
async def connected(*clients: BusClient):
    for c in clients:
        await c.connect()
    try:
        yield clients
    finally:
        for c in clients:
            await c.close()


def tickets(cfg) -> list[tuple]:
    conn = sqlite3.connect(cfg.storage_path / "queue.sqlite")
    return conn.execute("SELECT number, state, kiosk FROM tickets ORDER BY id").fetchall()


Q = "hall/t1/queue/main/cmd/"


# -- identity comes from the broker -----------------------------------------------------------
def test_a_kiosk_password_cannot_knock_a_daemon_off_the_broker(secured, run, caplog):
    cfg, broker = secured
    caplog.set_level(logging.WARNING, logger="hallkit.bus.client")

    async def scenario():
        async with queue_running(cfg) as daemon:
            sock = daemon.bus._mqtt.socket()
            for _ in range(20):  # the attack that took the queue daemon off 4,262 times in 3 s
                async with connected(as_user(cfg, broker, "kiosk-1", client_id="daemon-queue")):
                    pass
            await asyncio.sleep(0.3)
            async with connected(as_user(cfg, broker, "kiosk-1")) as (kiosk,):
                reply = await kiosk.request(Q + "ticket", {"number": "A001"}, timeout=3)
            return sock is daemon.bus._mqtt.socket(), reply

    same_socket, reply = run(scenario())
    assert same_socket, "the queue daemon was disconnected"
    assert reply.error.code == "not_found"  # and it still answers
    assert not [r for r in caplog.records if "lost the broker" in r.getMessage()]


def test_a_kiosk_password_cannot_read_a_consoles_replies(secured, run):
    cfg, broker = secured

    async def scenario():
        async with queue_running(cfg):
            spy = as_user(cfg, broker, "kiosk-1", client_id="console-1")
            seen: list[str] = []
            spy.subscribe("hall/t1/+/+/reply/+/console-1", lambda t, p: seen.append(t))
            console = as_user(cfg, broker, "console-1")
            async with connected(spy, console):
                reply = await console.request(Q + "window-next", {"window": 1}, timeout=3)
                # Sentinel: the queue daemon answers the spy after the console; had the
                # console's reply been delivered to the spy, it would be here by then.
                await spy.request(Q + "ticket", {"number": "A001"}, timeout=3)
            return reply, seen

    reply, seen = run(scenario())
    assert reply.status == "ok" and seen == []


# -- each command is authorized for its sender ---------------------------------------------------
def test_a_kiosk_issues_and_prints_only_as_itself(secured, run, caplog):
    cfg, broker = secured
    caplog.set_level(logging.WARNING)

    async def scenario():
        async with queue_running(cfg), connected(as_user(cfg, broker, "kiosk-1")) as (kiosk,):
            other = await kiosk.request(Q + "issue", {"service": "BDC", "kiosk": "kiosk-2"})
            own = await kiosk.request(Q + "issue", {"service": "BDC"})
            return other, own

    other, own = run(scenario())
    assert other.error.code == "forbidden" and "kiosk-2" in other.error.message
    assert own.status == "ok"
    assert tickets(cfg) == [("A001", "waiting", "kiosk-1")]  # printed at kiosk-1's printer
    assert len([r for r in caplog.records if "refused issue" in r.getMessage()]) == 1


def test_a_kiosk_cancels_only_with_the_tickets_secret(secured, run):
    cfg, broker = secured

    async def scenario():
        async with queue_running(cfg), connected(as_user(cfg, broker, "kiosk-1"),
                                                 as_user(cfg, broker, "kiosk-2")) as (k1, k2):
            t = (await k2.request(Q + "issue", {"service": "BDC"})).data
            by_number = await k1.request(Q + "cancel", {"number": t["number"]})
            by_id = await k1.request(Q + "cancel", {"ticket_id": t["ticket_id"]})
            guessed = await k1.request(Q + "cancel", {"ticket_id": t["ticket_id"],
                                                      "secret": "0" * 12})
            middle = tickets(cfg)
            with_qr = await k1.request(Q + "cancel", {"ticket_id": t["ticket_id"],
                                                      "secret": t["secret"]})
            return [r.error.code for r in (by_number, by_id, guessed)], middle, with_qr

    refusals, middle, with_qr = run(scenario())
    assert refusals == ["forbidden"] * 3
    assert middle == [("A001", "waiting", "kiosk-2")]
    assert with_qr.status == "ok" and tickets(cfg) == [("A001", "cancelled", "kiosk-2")]


def test_a_console_operates_only_its_own_window(secured, run):
    cfg, broker = secured

    async def scenario():
        async with queue_running(cfg), connected(as_user(cfg, broker, "console-1")) as (console,):
            elsewhere = await console.request(Q + "login", {"window": 2, "clerk": "1001",
                                                           "pin": "2468"})
            call = await console.request(Q + "call-next", {"window": 2})
            own = await console.request(Q + "login", {"window": 1, "clerk": "1001", "pin": "2468"})
            return elsewhere, call, own

    elsewhere, call, own = run(scenario())
    assert elsewhere.error.code == call.error.code == "forbidden"
    assert "window (1)" in elsewhere.error.message
    assert own.status == "ok" and own.data["clerk"] == "1001"


def test_login_needs_a_listed_clerk_and_their_pin(secured, run):
    cfg, broker = secured

    async def scenario():
        async with queue_running(cfg), connected(as_user(cfg, broker, "console-1")) as (console,):
            answers = [await console.request(Q + "login", data) for data in (
                {"window": 1, "clerk": "999999"},
                {"window": 1, "clerk": "1001"},
                {"window": 1, "clerk": "1001", "pin": "1111"},
                {"window": 1, "clerk": "1001", "pin": "2468"})]
            return answers

    *refused, ok = run(scenario())
    assert [r.error.code for r in refused] == ["forbidden"] * 3
    assert len({r.error.message for r in refused}) == 1  # nothing learnt about which clerks exist
    assert ok.status == "ok"


def test_a_command_outside_the_role_never_reaches_the_daemon(secured, run):
    cfg, broker = secured

    async def scenario():
        async with queue_running(cfg), connected(as_user(cfg, broker, "kiosk-1")) as (kiosk,):
            with pytest.raises(BusTimeout):  # the broker drops it: no write access
                await kiosk.request(Q + "call-next", {"window": 1}, timeout=0.5)
            kiosk.publish(Q + "issue/daemon-keypad", json.dumps(  # speaking for another user
                {"v": 1, "id": "x1", "ts": 1.0, "data": {"service": "BDC"}}))
            # Sentinel: sent after it, answered after it would have been acted on.
            await kiosk.request(Q + "ticket", {"number": "A001"}, timeout=3)

    run(scenario())
    assert tickets(cfg) == []


# -- replays are replays ----------------------------------------------------------------------
def test_a_request_id_reused_for_another_action_changes_nothing(secured, run):
    cfg, broker = secured

    async def scenario():
        async with queue_running(cfg), connected(as_user(cfg, broker, "kiosk-1")) as (kiosk,):
            issued = await kiosk.request(Q + "issue", {"service": "BDC"}, request_id="r-1")
            cancel = await kiosk.request(Q + "cancel", {"ticket_id": issued.data["ticket_id"],
                                                        "secret": issued.data["secret"]},
                                         request_id="r-1")
            again = await kiosk.request(Q + "issue", {"service": "BDC"}, request_id="r-1")
            return issued, cancel, again

    issued, cancel, again = run(scenario())
    assert cancel.error.code == "id_reused"
    assert again == issued  # the true retry still gets the stored answer
    assert tickets(cfg) == [("A001", "waiting", "kiosk-1")]


# -- bounded, checked fields ----------------------------------------------------------------------
def test_oversized_and_unbounded_input_is_dropped_or_refused(secured, run):
    cfg, broker = secured

    async def scenario():
        async with queue_running(cfg), connected(as_user(cfg, broker, "kiosk-1")) as (kiosk,):
            big = json.dumps({"v": 1, "id": "big", "ts": 1.0,
                              "data": {"service": "BDC", "kiosk": "k" * 2**20}})
            with pytest.raises(BusError, match="over the bus limit"):  # hallkit's client refuses
                kiosk.publish(Q + "issue/kiosk-1", big)
            kiosk._mqtt.publish(Q + "issue/kiosk-1", big, qos=1)  # a hostile one: the broker drops it
            long_name = await kiosk.request(Q + "issue", {"service": "BDC", "kiosk": "k" * 5000})
            nowhere = await kiosk.request(Q + "ticket", {"number": "A001"})  # still answering
            got = asyncio.get_running_loop().create_future()
            kiosk._pending["nan"] = got
            kiosk.publish(Q + "issue/kiosk-1", b'{"v":1,"id":"nan","ts":NaN,"data":{"service":"BDC"}}')
            nan = await asyncio.wait_for(got, 3)
            return long_name, nowhere, nan

    long_name, nowhere, nan = run(scenario())
    assert long_name.error.code == "bad_request" and long_name.error.field == "data.kiosk"
    assert nowhere.error.code == "not_found"
    assert nan.error.code == "bad_request"
    assert tickets(cfg) == []
    wal = cfg.storage_path / "queue.sqlite-wal"
    assert not wal.exists() or wal.stat().st_size < 2**20


def test_a_kiosk_naming_a_kiosk_that_does_not_exist_is_refused(secured, run):
    cfg, broker = secured

    async def scenario():
        async with queue_running(cfg), connected(as_user(cfg, broker, "hallctl")) as (ops,):
            return await ops.request(Q + "issue", {"service": "BDC", "kiosk": "kiosk-99"})

    assert run(scenario()).error.code == "unknown_kiosk"


# -- personal data on the bus ---------------------------------------------------------------------
def test_only_the_queue_daemon_reads_commands_with_id_numbers(secured, run):
    cfg, broker = secured

    async def scenario():
        printer = as_user(cfg, broker, daemon_user("printer"))
        ops = as_user(cfg, broker, "hallctl")
        board = as_user(cfg, broker, "board-1")
        seen: list[tuple[str, bytes]] = []
        for c in (printer, ops, board):
            for pattern in (Q + "issue/+", "hall/t1/queue/main/event/issued"):
                c.subscribe(pattern, lambda t, p, who=c.identity: seen.append((who, t)))
        async with queue_running(cfg), connected(printer, ops, board,
                                                 as_user(cfg, broker, "kiosk-1")) as clients:
            reply = await clients[-1].request(Q + "issue", {"service": "BDC", "id_number": ID_NUMBER})
            # Sentinel: a public event from the same daemon, published after the issued one,
            # reaches every observer; what they were kept from would have arrived before it.
            got = {c.identity: asyncio.Event() for c in (printer, ops, board)}
            for c in (printer, ops, board):
                c.subscribe("hall/t1/queue/main/event/called",
                            lambda t, p, who=c.identity: got[who].set())
            await clients[1].request(Q + "login", {"window": 1, "clerk": "1001", "pin": "2468"})
            await clients[1].request(Q + "call-next", {"window": 1})
            await asyncio.wait_for(asyncio.gather(*(e.wait() for e in got.values())), 5)
        return reply, seen

    reply, seen = run(scenario())
    assert reply.status == "ok"
    # The printer daemon gets the issued event (to print the QR with its secret); nobody
    # else sees it, and nobody but the queue daemon sees the command with the ID number.
    assert seen == [("daemon-printer", "hall/t1/queue/main/event/issued")]


def test_a_huge_unknown_key_gets_a_short_answer_and_the_daemon_goes_on(secured, run):
    """Its name came back twice in the error: a 40 KB key made an answer over the bus limit,
    and the failed publish stopped the daemon's command loop."""
    cfg, broker = secured

    async def scenario():
        async with queue_running(cfg), connected(as_user(cfg, broker, "kiosk-1")) as (kiosk,):
            huge = await kiosk.request(Q + "issue", {"service": "BDC", "A" * 40_000: 1})
            after = await kiosk.request(Q + "issue", {"service": "BDC"})
            return huge, after

    huge, after = run(scenario())
    assert huge.error.code == "bad_request" and len(huge.error.field) <= 101
    assert after.status == "ok"


@pytest.mark.parametrize("dev_id", ["hallctl", "sim", "daemon-queue"])
def test_a_device_may_not_take_a_name_hallkit_uses_on_the_bus(tmp_path, dev_id):
    from hallkit.config.load import check_text

    text = small_hall(tmp_path / "var") + f'\n[devices.{dev_id}]\nkind = "kiosk"\n'
    _, issues = check_text(text)
    assert [i.loc for i in issues] == [("devices", dev_id)]
    assert "name the device otherwise" in issues[0].message


def test_a_kiosk_reprints_only_its_own_tickets(secured, run):
    cfg, broker = secured

    async def scenario():
        async with queue_running(cfg), connected(as_user(cfg, broker, "kiosk-1"),
                                                 as_user(cfg, broker, "kiosk-2")) as (k1, k2):
            t = (await k1.request(Q + "issue", {"service": "BDC"})).data
            other = await k2.request(Q + "reprint", {"ticket_id": t["ticket_id"]})
            by_number = await k1.request(Q + "reprint", {"number": t["number"]})
            own = await k1.request(Q + "reprint", {"ticket_id": t["ticket_id"]})
            return other, by_number, own

    other, by_number, own = run(scenario())
    assert other.error.code == by_number.error.code == "forbidden"
    assert own.status == "ok" and own.data["number"] == "A001"
