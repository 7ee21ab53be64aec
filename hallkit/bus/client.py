"""An asyncio face on paho-mqtt: publish, subscribe, request/reply.

paho runs inside the asyncio loop through its socket callbacks (no network
thread): reads and writes happen when the socket is ready, so a publish or a
received message never waits for a thread hand-off. paho keeps the MQTT state:
keep-alive, resending unacknowledged QoS 1 messages after a reconnect, and
queueing QoS 1 messages published while the broker is away. This class adds
reconnect with backoff, renews subscriptions on every connect, and pairs
replies with requests by id.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import select
import socket
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import paho.mqtt.client as mqtt
from pydantic import BaseModel, ValidationError

from hallkit.bus.backoff import Backoff, FailureLog
from hallkit.bus.droplog import DropLog
from hallkit.clock import Clock, SystemClock
from hallkit.contract.envelope import MAX_PAYLOAD, Reply, Request
from hallkit.contract.topics import replies_for
from hallkit.ids import ordered_id

log = logging.getLogger(__name__)

READ_BURST = 512  # packets read per wake-up at most, so one busy socket cannot hog the loop

Handler = Callable[[str, bytes], Awaitable[None] | None]
M = TypeVar("M", bound=BaseModel)


class BusError(Exception):
    """The bus could not do what was asked (not connected in time, no reply)."""


class BusTimeout(BusError):
    pass


@dataclass(frozen=True)
class BusSettings:
    host: str = "127.0.0.1"
    port: int = 1883
    username: str | None = None
    password: str | None = None
    ca: Path | None = None
    cert: Path | None = None
    key: Path | None = None
    keepalive: int = 30
    socket: Path | None = None  # a Unix socket instead of host:port (on-box tools)

    @property
    def where(self) -> str:
        return str(self.socket) if self.socket else f"{self.host}:{self.port}"


def encode(payload: BaseModel | dict | bytes | str) -> bytes:
    if isinstance(payload, BaseModel):
        return payload.model_dump_json(exclude_none=True).encode()
    if isinstance(payload, dict):
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return payload.encode() if isinstance(payload, str) else payload


def topic_matcher(pattern: str) -> Callable[[str], bool]:
    """A test for one MQTT filter (``+`` one level, ``#`` the rest), built once: paho's
    ``topic_matches_sub`` builds a matcher tree on every call, a cost on every message."""
    if "+" not in pattern and "#" not in pattern:
        return pattern.__eq__
    parts = pattern.split("/")
    rest = parts[-1] == "#"
    if rest:
        parts = parts[:-1]

    def matches(topic: str) -> bool:
        levels = topic.split("/")
        if len(levels) < len(parts) or (not rest and len(levels) != len(parts)):
            return False
        if rest and len(levels) == len(parts) and not parts:
            return True
        return all(p == "+" or p == level for p, level in zip(parts, levels, strict=False))

    return matches


class BusClient:
    def __init__(
        self,
        settings: BusSettings,
        client_id: str,
        *,
        hall: str,
        persistent: bool = False,
        will: tuple[str, BaseModel | dict | bytes] | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.settings = settings
        self.client_id = client_id
        # Who the daemons see: the broker username (the broker ties command and reply
        # topics to it); a client id only on an anonymous test broker.
        self.identity = settings.username or client_id
        self.hall = hall
        self.clock = clock or SystemClock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._subs: list[tuple[str, int, Handler]] = []
        self._matchers: list[tuple[Callable[[str], bool], Handler]] = []
        self._pending: dict[str, asyncio.Future[Reply]] = {}
        self._tasks: set[asyncio.Task] = set()
        self._on_connect: list[Callable[[], None]] = []
        self._misc: asyncio.Task | None = None
        self._reconnect: asyncio.Task | None = None
        self._closing = False
        self.connected = asyncio.Event()
        self._backoff = Backoff()
        self._failures = FailureLog(settings.where)
        self.state = "connecting"  # for a daemon's status: connected, refused: …, unreachable: …
        self._on_state: list[Callable[[str], None]] = []

        self._mqtt = mqtt.Client(
            callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
            client_id=client_id,
            clean_session=not persistent,
            protocol=mqtt.MQTTv311,
            transport="unix" if settings.socket else "tcp",
        )
        m = self._mqtt
        m.max_inflight_messages_set(200)
        m.max_queued_messages_set(0)  # never drop a queued QoS 1 command
        if settings.username:
            m.username_pw_set(settings.username, settings.password)
        if settings.ca:
            m.tls_set(ca_certs=str(settings.ca), certfile=settings.cert and str(settings.cert),
                      keyfile=settings.key and str(settings.key), cert_reqs=ssl.CERT_REQUIRED)
        if will:
            m.will_set(will[0], encode(will[1]), qos=1, retain=True)
        m.on_socket_open = self._socket_open
        m.on_socket_close = self._socket_close
        m.on_socket_register_write = self._want_write
        m.on_socket_unregister_write = self._done_writing
        m.on_connect = self._handle_connect
        m.on_disconnect = self._handle_disconnect
        m.on_message = self._handle_message
        self._oversize = DropLog("(any topic)")
        # Every reply addressed to this client, whatever it asked.
        self.subscribe(replies_for(hall, self.identity), self._handle_reply)

    # -- life cycle --------------------------------------------------------
    async def connect(self, timeout: float = 10.0) -> None:
        """Connect (retrying while the broker is not there yet) and wait for CONNACK."""
        self._loop = asyncio.get_running_loop()
        self._closing = False
        self._reconnect = asyncio.create_task(self._connect_loop(first=True))
        try:
            await asyncio.wait_for(self.connected.wait(), timeout)
        except TimeoutError:
            await self.close()
            raise BusError(f"no MQTT broker answered at {self.settings.where} "
                           f"within {timeout:g} s") from None

    async def close(self) -> None:
        """Disconnect cleanly (no last will) and stop reconnecting."""
        self._closing = True
        for fut in self._pending.values():
            fut.cancel()
        if self._reconnect:
            self._reconnect.cancel()
        if self._mqtt.socket() is not None:
            self._mqtt.disconnect()
            for _ in range(100):  # let the loop flush DISCONNECT and close the socket
                if self._mqtt.socket() is None:
                    break
                await asyncio.sleep(0.01)
        if self._misc:
            self._misc.cancel()
        self.connected.clear()

    @property
    def healthy(self) -> bool:
        """Connected with keep-alive running, or busy reconnecting: the bus is being served."""
        if self._closing:
            return False
        if self.connected.is_set():
            return self._misc is not None and not self._misc.done()
        waiting_for_connack = self._mqtt.socket() is not None
        return waiting_for_connack or (self._reconnect is not None and not self._reconnect.done())

    def on_connect(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` after every (re)connect, e.g. to republish state."""
        self._on_connect.append(callback)

    def on_state(self, callback: Callable[[str], None]) -> None:
        """Run ``callback(text)`` when the connection's state changes (for sd_notify STATUS)."""
        self._on_state.append(callback)

    def _set_state(self, text: str) -> None:
        if text != self.state:
            self.state = text
            for callback in self._on_state:
                self._guard(callback, text)

    async def _connect_loop(self, first: bool = False) -> None:
        while not self._closing:
            await asyncio.sleep(self._backoff.wait())
            try:
                if first:
                    host = str(self.settings.socket) if self.settings.socket else self.settings.host
                    self._mqtt.connect(host, self.settings.port, self.settings.keepalive)
                    first = False
                else:
                    self._mqtt.reconnect()
                return  # CONNACK (or a refusal) arrives through the socket reader
            except (OSError, mqtt.WebsocketConnectionError) as exc:
                self._backoff.failed()
                self._failures.failure(f"not reachable ({exc})")
                self._set_state(f"unreachable: {exc}")

    # -- paho socket callbacks: paho's I/O runs in this loop -----------------------
    def _socket_open(self, client, userdata, sock) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            # Send small MQTT packets at once: Nagle's wait would add tens of ms per hop.
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._loop.add_reader(sock, self._read_all, sock)
        self._misc = self._loop.create_task(self._keepalive())

    def _socket_close(self, client, userdata, sock) -> None:
        self._loop.remove_reader(sock)
        self._loop.remove_writer(sock)
        if self._misc:
            self._misc.cancel()

    def _read_all(self, sock) -> None:
        """Read every packet that is there now, not one per wake-up as paho's loop_read
        does: a burst of commands then reaches the dispatcher together (one commit)."""
        for _ in range(READ_BURST):
            if self._mqtt.loop_read() != mqtt.MQTT_ERR_SUCCESS or self._mqtt.socket() is not sock:
                return
            pending = getattr(sock, "pending", None)  # TLS may hold decrypted bytes
            if not (pending and pending()) and not select.select([sock], [], [], 0)[0]:
                return

    def _want_write(self, client, userdata, sock) -> None:
        self._loop.add_writer(sock, client.loop_write)

    def _done_writing(self, client, userdata, sock) -> None:
        self._loop.remove_writer(sock)

    async def _keepalive(self) -> None:
        while self._mqtt.loop_misc() == mqtt.MQTT_ERR_SUCCESS:
            await asyncio.sleep(1)

    # -- publish / subscribe ------------------------------------------------
    def publish(self, topic: str, payload: BaseModel | dict | bytes | str, *, qos: int = 1,
                retain: bool = False) -> mqtt.MQTTMessageInfo:
        body = encode(payload)
        if len(body) > MAX_PAYLOAD:  # the broker would drop it silently
            raise BusError(f"{len(body)} bytes for {topic} is over the bus limit of {MAX_PAYLOAD}")
        return self._mqtt.publish(topic, body, qos=qos, retain=retain)

    def flush(self) -> None:
        """Write what is queued now rather than at the loop's next turn."""
        if self._mqtt.socket() is not None and self._mqtt.want_write():
            self._mqtt.loop_write()

    def subscribe(self, pattern: str, handler: Handler, qos: int = 1) -> None:
        """Register a handler; the subscription is renewed on every connect."""
        self._subs.append((pattern, qos, handler))
        self._matchers.append((topic_matcher(pattern), handler))
        if self.connected.is_set():
            self._mqtt.subscribe(pattern, qos)

    def on(self, pattern: str, model: type[M], handler: Callable[[str, M], Any], qos: int = 1) -> None:
        """Subscribe with a payload model: ``handler(topic, payload)`` gets the validated model.
        A payload that fails its model is dropped, and logged once a minute per pattern with
        how many were dropped, so a flood of junk cannot fill the log."""
        dropped = DropLog(pattern)

        def typed(topic: str, payload: bytes):
            try:
                value = model.model_validate_json(payload)
            except ValidationError as exc:
                dropped.note(topic, exc)
                return None
            return handler(topic, value)

        self.subscribe(pattern, typed, qos)

    async def request(self, topic: str, data: BaseModel | dict | None = None, *,
                      timeout: float = 5.0, request_id: str | None = None,
                      ttl: float | None = None) -> Reply:
        """Send a command and wait for its reply. Retrying with the same
        ``request_id`` is safe: the owner answers it once and repeats the answer."""
        if isinstance(data, BaseModel):
            data = data.model_dump(mode="json", exclude_none=True)
        now = self.clock.time()
        rid = request_id or ordered_id(now)
        request = Request(id=rid, ts=now, data=data or {}, expires=now + ttl if ttl else None)
        fut = asyncio.get_running_loop().create_future()
        self._pending[rid] = fut
        try:
            self.publish(f"{topic}/{self.identity}", request, qos=1)
            return await asyncio.wait_for(fut, timeout)
        except TimeoutError:
            raise BusTimeout(f"no reply to {topic} (request {rid}) within {timeout:g} s") from None
        finally:
            self._pending.pop(rid, None)

    # -- paho protocol callbacks (called from loop_read, in this loop) ------------
    def _handle_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:  # the broker closes the socket; the disconnect retries
            self._failures.failure(f"refused the connection: {reason_code}")
            self._set_state(f"refused: {reason_code}")
            return
        self._backoff.connected()
        self._failures.recovered()
        self._set_state("connected")
        subs = sorted({(p, q) for p, q, _ in self._subs})
        if subs:
            client.subscribe(subs)
        self.connected.set()
        for callback in self._on_connect:
            self._guard(callback)

    def _handle_disconnect(self, client, userdata, flags, reason_code, properties) -> None:
        had_session = self.connected.is_set()
        self.connected.clear()
        if self._closing:
            return
        self._backoff.ended()
        if had_session:
            log.warning("lost the broker (%s); reconnecting", reason_code)
            self._set_state(f"reconnecting: {reason_code}")
        if self._reconnect is None or self._reconnect.done():
            self._reconnect = self._loop.create_task(self._connect_loop())

    def _handle_message(self, client, userdata, message: mqtt.MQTTMessage) -> None:
        if len(message.payload) > MAX_PAYLOAD:  # a broker without the limit let it through
            self._oversize.note_size(message.topic, len(message.payload))
            return
        self._dispatch(message.topic, message.payload)

    # -- dispatch ---------------------------------------------------------------
    def _dispatch(self, topic: str, payload: bytes) -> None:
        for matches, handler in self._matchers:
            if matches(topic):
                result = self._guard(handler, topic, payload)
                if inspect.isawaitable(result):
                    task = asyncio.ensure_future(result)
                    self._tasks.add(task)
                    task.add_done_callback(self._task_done)

    def _guard(self, fn, *args) -> Any:
        try:
            return fn(*args)
        except Exception:  # a handler's bug must not stop the bus
            log.exception("handler %s failed on %s", getattr(fn, "__qualname__", fn), args[:1])
            return None

    def _task_done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("handler task failed", exc_info=task.exception())

    def _handle_reply(self, topic: str, payload: bytes) -> None:
        try:
            reply = Reply.model_validate_json(payload)
        except ValidationError as exc:
            log.warning("unreadable reply on %s: %s", topic, exc.errors()[0]["msg"])
            return
        fut = self._pending.get(reply.id)
        if fut is not None and not fut.done():
            fut.set_result(reply)
