"""An asyncio face on paho-mqtt: publish, subscribe, request/reply.

paho's network thread does the MQTT work: keep-alive, reconnect with backoff,
resending unacknowledged QoS 1 messages (also those published while the broker
was away). This class hands incoming messages to the asyncio loop, renews the
subscriptions on every connect, and pairs replies with requests by id.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import logging
import ssl
import threading
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from pydantic import BaseModel, ValidationError

from hallkit.clock import Clock, SystemClock
from hallkit.contract.envelope import Reply, Request
from hallkit.contract.topics import replies_for

log = logging.getLogger(__name__)

Handler = Callable[[str, bytes], Awaitable[None] | None]


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


def encode(payload: BaseModel | dict | bytes | str) -> bytes:
    if isinstance(payload, BaseModel):
        return payload.model_dump_json(exclude_none=True).encode()
    if isinstance(payload, dict):
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return payload.encode() if isinstance(payload, str) else payload


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
        self.hall = hall
        self.clock = clock or SystemClock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._subs: list[tuple[str, int, Handler]] = []
        self._pending: dict[str, asyncio.Future[Reply]] = {}
        self._tasks: set[asyncio.Task] = set()
        self._on_connect: list[Callable[[], None]] = []
        self.connected = asyncio.Event()
        self._lock = threading.Lock()

        self._mqtt = mqtt.Client(
            callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
            client_id=client_id,
            clean_session=not persistent,
            protocol=mqtt.MQTTv311,
        )
        m = self._mqtt
        m.reconnect_delay_set(min_delay=1, max_delay=10)
        m.max_inflight_messages_set(200)
        m.max_queued_messages_set(0)  # never drop a queued QoS 1 command
        if settings.username:
            m.username_pw_set(settings.username, settings.password)
        if settings.ca:
            m.tls_set(ca_certs=str(settings.ca), certfile=settings.cert and str(settings.cert),
                      keyfile=settings.key and str(settings.key), cert_reqs=ssl.CERT_REQUIRED)
        if will:
            m.will_set(will[0], encode(will[1]), qos=1, retain=True)
        m.on_connect = self._handle_connect
        m.on_disconnect = self._handle_disconnect
        m.on_message = self._handle_message
        # Every reply addressed to this client, whatever it asked.
        self.subscribe(replies_for(hall, client_id), self._handle_reply)

    # -- life cycle --------------------------------------------------------
    async def connect(self, timeout: float = 10.0) -> None:
        """Start the network thread and wait for the first connection."""
        self._loop = asyncio.get_running_loop()
        self._mqtt.connect_async(self.settings.host, self.settings.port, self.settings.keepalive)
        self._mqtt.loop_start()
        try:
            await asyncio.wait_for(self.connected.wait(), timeout)
        except TimeoutError:
            await self.close()
            raise BusError(f"no MQTT broker answered at {self.settings.host}:{self.settings.port} "
                           f"within {timeout:g} s") from None

    async def close(self) -> None:
        """Disconnect cleanly (no last will) and stop the network thread."""
        for fut in self._pending.values():
            fut.cancel()
        self._mqtt.disconnect()
        await asyncio.get_running_loop().run_in_executor(None, self._mqtt.loop_stop)
        self.connected.clear()

    @property
    def network_alive(self) -> bool:
        thread = self._mqtt._thread  # paho keeps no public accessor for it
        return thread is not None and thread.is_alive()

    def on_connect(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` in the loop after every (re)connect, e.g. to republish state."""
        self._on_connect.append(callback)

    # -- publish / subscribe ------------------------------------------------
    def publish(self, topic: str, payload: BaseModel | dict | bytes | str, *, qos: int = 1,
                retain: bool = False) -> mqtt.MQTTMessageInfo:
        return self._mqtt.publish(topic, encode(payload), qos=qos, retain=retain)

    def subscribe(self, pattern: str, handler: Handler, qos: int = 1) -> None:
        """Register a handler; the subscription is renewed on every connect."""
        with self._lock:
            self._subs.append((pattern, qos, handler))
        if self.connected.is_set():
            self._mqtt.subscribe(pattern, qos)

    async def request(self, topic: str, data: BaseModel | dict | None = None, *,
                      timeout: float = 5.0, request_id: str | None = None,
                      ttl: float | None = None) -> Reply:
        """Send a command and wait for its reply. Retrying with the same
        ``request_id`` is safe: the owner answers it once and repeats the answer."""
        if isinstance(data, BaseModel):
            data = data.model_dump(mode="json", exclude_none=True)
        rid = request_id or uuid.uuid4().hex
        now = self.clock.time()
        request = Request(id=rid, client=self.client_id, ts=now, data=data or {},
                          expires=now + ttl if ttl else None)
        fut = asyncio.get_running_loop().create_future()
        self._pending[rid] = fut
        try:
            self.publish(topic, request, qos=1)
            return await asyncio.wait_for(fut, timeout)
        except TimeoutError:
            raise BusTimeout(f"no reply to {topic} (request {rid}) within {timeout:g} s") from None
        finally:
            self._pending.pop(rid, None)

    # -- paho thread callbacks ------------------------------------------------
    def _handle_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            log.error("broker %s:%s refused the connection: %s",
                      self.settings.host, self.settings.port, reason_code)
            return
        with self._lock:
            subs = sorted({(p, q) for p, q, _ in self._subs})
        if subs:
            client.subscribe(subs)
        self._call_soon(self._connected)

    def _handle_disconnect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code != 0:
            log.warning("lost the broker (%s); reconnecting", reason_code)
        self._call_soon(self.connected.clear)

    def _handle_message(self, client, userdata, message: mqtt.MQTTMessage) -> None:
        self._call_soon(self._dispatch, message.topic, message.payload)

    def _call_soon(self, fn, *args) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # loop closing during shutdown
                loop.call_soon_threadsafe(fn, *args)

    # -- in the asyncio loop --------------------------------------------------
    def _connected(self) -> None:
        self.connected.set()
        for callback in self._on_connect:
            self._guard(callback)

    def _dispatch(self, topic: str, payload: bytes) -> None:
        for pattern, _, handler in self._subs:
            if mqtt.topic_matches_sub(pattern, topic):
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
