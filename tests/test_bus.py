"""The bus helper against a real mosquitto: envelopes, request/reply, outages."""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess

import paho.mqtt.client as mqtt
import pytest
from pydantic import ValidationError

from hallkit.bus.client import BusClient, BusError, BusSettings, BusTimeout
from hallkit.contract.envelope import ErrorBody, Reply, Request, Status
from hallkit.contract.topics import replies_for


def settings(broker) -> BusSettings:
    return BusSettings(host=broker.host, port=broker.port)


@pytest.mark.parametrize("model,payload", [
    (Request, {"v": 1, "id": "r1", "ts": 1.5, "data": {"service": "BDC"}}),
    (Reply, {"v": 1, "id": "r1", "status": "ok", "ts": 2.0, "data": {"ticket": "A001"}}),
    (Reply, {"v": 1, "id": "r1", "status": "error", "ts": 2.0,
             "error": {"code": "sold_out", "message": "今日号已取完", "field": "data.service"}}),
    (Status, {"v": 1, "state": "online", "ts": 3.0, "since": 1.0, "version": "0.1.0", "pid": 7}),
])
def test_envelopes_round_trip(model, payload):
    parsed = model.model_validate_json(json.dumps(payload))
    assert json.loads(parsed.model_dump_json(exclude_none=True)) == payload


@pytest.mark.parametrize("payload,where", [
    (b"not json", "json_invalid"),
    (b'{"v":1,"ts":1}', "id"),
    (b'{"v":2,"id":"a","ts":1}', "v"),
    (b'{"v":1,"id":"a","ts":1,"extra":true}', "extra"),
    (b'{"v":1,"id":"a","client":"kiosk-1","ts":1}', "client"),  # who sent it is in the topic
    (b'{"v":1,"id":"","ts":1}', "id"),
    (b'{"v":1,"id":"a","ts":NaN}', "ts"),
    (b'{"v":1,"id":"a","ts":1,"expires":Infinity}', "expires"),
])
def test_bad_envelopes_are_rejected_with_the_field(payload, where):
    with pytest.raises(ValidationError) as info:
        Request.model_validate_json(payload)
    err = info.value.errors()[0]
    assert where in (err["type"], *map(str, err["loc"]))


def test_request_reply_and_timeout(broker, run):
    async def scenario():
        responder = BusClient(settings(broker), "responder", hall="t1")
        asker = BusClient(settings(broker), "asker", hall="t1")

        def answer(topic, payload):
            req = Request.model_validate_json(payload)
            sender = topic.rsplit("/", 1)[1]  # the command topic ends with the sender's name
            responder.publish(f"hall/t1/echo/main/reply/say/{sender}",
                              Reply(id=req.id, status="ok", ts=0, data=req.data))

        responder.subscribe("hall/t1/echo/main/cmd/say/+", answer)
        await responder.connect()
        await asker.connect()
        reply = await asker.request("hall/t1/echo/main/cmd/say", {"text": "你好"}, timeout=2)
        assert reply.status == "ok" and reply.data == {"text": "你好"}
        with pytest.raises(BusTimeout, match="no reply to hall/t1/nobody/main/cmd/x"):
            await asker.request("hall/t1/nobody/main/cmd/x", {}, timeout=0.3)
        await responder.close()
        await asker.close()

    run(scenario())


def test_a_client_subscribes_only_to_replies_addressed_to_it():
    # The broker ACL (tests/test_acl.py) keeps others out; this is what the client asks for.
    pattern = replies_for("t1", "kiosk-1")
    assert mqtt.topic_matches_sub(pattern, "hall/t1/queue/main/reply/issue/kiosk-1")
    assert not mqtt.topic_matches_sub(pattern, "hall/t1/queue/main/reply/issue/kiosk-2")
    assert not mqtt.topic_matches_sub(pattern, "hall/t2/queue/main/reply/issue/kiosk-1")
    assert not mqtt.topic_matches_sub(pattern, "hall/t1/queue/main/cmd/issue/kiosk-1")


def test_connect_fails_clearly_without_a_broker(run):
    from hallkit.broker.mosquitto import free_port

    async def scenario():
        client = BusClient(BusSettings(port=free_port()), "lonely", hall="t1")
        with pytest.raises(BusError, match="no MQTT broker answered"):
            await client.connect(timeout=0.5)

    run(scenario())


def test_qos1_command_sent_during_a_broker_restart_is_delivered_after(broker, run):
    async def scenario():
        got = asyncio.Queue()
        daemon = BusClient(settings(broker), "daemon-x", hall="t1", persistent=True)
        daemon.subscribe("hall/t1/x/main/cmd/+", lambda t, p: got.put_nowait(p))
        sender = BusClient(settings(broker), "kiosk-1", hall="t1", persistent=True)
        await daemon.connect()
        await sender.connect()

        broker.stop()  # a broker restart: systemctl restart mosquitto
        await asyncio.sleep(0.2)
        assert not sender.connected.is_set()
        sender.publish("hall/t1/x/main/cmd/issue", b'{"during":"outage"}', qos=1)
        broker.start()

        payload = await asyncio.wait_for(got.get(), 15)
        assert payload == b'{"during":"outage"}'
        await daemon.close()
        await sender.close()

    run(scenario(), timeout=30)


def test_command_sent_while_the_daemon_is_away_is_delivered_when_it_is_back(broker, run):
    async def scenario():
        first = BusClient(settings(broker), "daemon-x", hall="t1", persistent=True)
        first.subscribe("hall/t1/x/main/cmd/+", lambda t, p: None)
        await first.connect()
        await asyncio.sleep(0.1)
        await first.close()  # the daemon restarts

        sender = BusClient(settings(broker), "kiosk-1", hall="t1")
        await sender.connect()
        sender.publish("hall/t1/x/main/cmd/issue", b"while-away", qos=1)
        await asyncio.sleep(0.2)

        got = asyncio.Queue()
        back = BusClient(settings(broker), "daemon-x", hall="t1", persistent=True)
        back.subscribe("hall/t1/x/main/cmd/+", lambda t, p: got.put_nowait(p))
        await back.connect()
        assert await asyncio.wait_for(got.get(), 5) == b"while-away"
        await back.close()
        await sender.close()

    run(scenario())


def test_a_failing_handler_does_not_stop_delivery(broker, run):
    async def scenario():
        client = BusClient(settings(broker), "c", hall="t1")
        got = []

        def broken(topic, payload):
            raise RuntimeError("handler bug")

        client.subscribe("hall/t1/a/#", broken)
        client.subscribe("hall/t1/a/#", lambda t, p: got.append(p))
        await client.connect()
        client.publish("hall/t1/a/b", b"1")
        client.publish("hall/t1/a/b", b"2")
        for _ in range(100):
            if len(got) == 2:
                break
            await asyncio.sleep(0.02)
        await client.close()
        return got

    assert run(scenario()) == [b"1", b"2"]


def test_error_body_shape():
    body = ErrorBody(code="bad_request", message="m", field="data.x")
    assert body.model_dump() == {"code": "bad_request", "message": "m", "field": "data.x"}


@pytest.mark.parametrize("pattern", ["a/b", "a/+", "a/#", "#", "+/+", "a/+/c", "+", "a/b/#",
                                     "hall/+/+/+/reply/+/x", "+/#"])
def test_topic_matcher_agrees_with_paho(pattern):
    import paho.mqtt.client as mqtt

    from hallkit.bus.client import topic_matcher

    for topic in ("a", "a/b", "a/b/c", "a/c", "b/b/c", "a/b/c/d", "hall/x/q/m/reply/i/x",
                  "hall/x/q/m/reply/i/y", "", "a/", "/a", "a//c"):
        assert topic_matcher(pattern)(topic) == mqtt.topic_matches_sub(pattern, topic), topic


def test_a_typed_subscription_drops_what_fails_its_model_and_logs_it_once(broker, run, caplog):
    from hallkit.contract.envelope import EventOf, event_json
    from hallkit.daemons.queue.contract import TicketEvent

    got: list = []

    async def scenario():
        listener = BusClient(settings(broker), "listener", hall="t")
        sender = BusClient(settings(broker), "sender", hall="t")
        listener.on("hall/t/queue/main/event/no-show", EventOf[TicketEvent], lambda t, e: got.append(e))
        await listener.connect()
        await sender.connect()
        for junk in (b"not json", b'{"v":1,"ts":1}', b'{"v":1,"ts":1,"data":{"number":5}}') * 100:
            sender.publish("hall/t/queue/main/event/no-show", junk)
        good = TicketEvent(ticket_id="t1", number="A001", service="BDC", window=3, detail="requeued")
        sender.publish("hall/t/queue/main/event/no-show", event_json(good, 10.0))  # the sentinel
        for _ in range(200):
            if got:
                break
            await asyncio.sleep(0.01)
        await sender.close()
        await listener.close()

    with caplog.at_level("WARNING"):
        run(scenario())
    assert [(e.ts, e.data.number, e.data.window) for e in got] == [(10.0, "A001", 3)]
    dropped = [r for r in caplog.records if "do not fit their model" in r.getMessage()]
    assert len(dropped) == 1  # 300 junk payloads, one line


def _string_fields(model) -> list[str]:
    def is_str(prop: dict) -> bool:
        return prop.get("type") == "string" or any(is_str(p) for p in prop.get("anyOf", []))
    return [name for name, prop in model.model_json_schema().get("properties", {}).items()
            if is_str(prop)]


def test_every_string_a_sender_fills_in_is_bounded():
    from hallkit.contract import contracts

    checked = 0
    for contract in contracts().values():
        for cmd in contract.commands:
            example = contract.examples.get((cmd.component, cmd.action), {})
            for name in _string_fields(cmd.request):
                with pytest.raises(ValidationError) as info:
                    cmd.request.model_validate({**example, name: "9" * 10_000})
                assert info.value.errors()[0]["loc"][0] == name, (cmd.action, name)
                checked += 1
    assert checked > 20


def test_a_payload_over_the_bus_limit_is_dropped_unread(caplog):
    from hallkit.contract.envelope import MAX_PAYLOAD

    client = BusClient(BusSettings(), "c", hall="t1")
    got = []
    client.subscribe("hall/t1/#", lambda t, p: got.append(p))
    for size in (MAX_PAYLOAD + 1, MAX_PAYLOAD):
        message = mqtt.MQTTMessage(topic=b"hall/t1/x/main/state")
        message.payload = b"x" * size
        client._handle_message(None, None, message)
    assert [len(p) for p in got] == [MAX_PAYLOAD]
    assert "over the bus limit" in caplog.text


def test_a_wrong_password_backs_off_and_says_so_once(tmp_path, run, caplog):
    """3,304 attempts in 2 s, each at ERROR, before: now a handful, and one log line."""
    from hallkit.broker.mosquitto import Mosquitto

    passwd = tmp_path / "passwd"
    passwd.write_text("kiosk-1:right\n")
    subprocess.run(["mosquitto_passwd", "-U", str(passwd)], check=True)
    broker = Mosquitto(tmp_path / "broker", password_file=passwd)
    broker.start()
    caplog.set_level(logging.DEBUG, logger="hallkit.bus.client")
    states: list[str] = []

    async def scenario():
        client = BusClient(BusSettings(port=broker.port, username="kiosk-1", password="wrong"),
                           "kiosk-1", hall="t1")
        client.on_state(states.append)
        attempts = 0
        reconnect = client._mqtt.reconnect

        def counted():
            nonlocal attempts
            attempts += 1
            return reconnect()

        client._mqtt.reconnect = counted
        with pytest.raises(BusError):
            await client.connect(timeout=5)
        return attempts + 1  # the first attempt is connect()

    try:
        attempts = run(scenario())
    finally:
        broker.stop()
    assert 2 <= attempts <= 6  # 0, 0.5, 1, 2 s …: not thousands
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 1 and "refused the connection" in lines[0].getMessage()
    assert states and states[0].startswith("refused: ")
