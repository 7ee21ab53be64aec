"""The bus for a Qt app: our asyncio BusClient in a thread of its own, Qt signals back.

The UI calls ``request()`` and ``subscribe()`` from the GUI thread; answers and
messages arrive as signals, delivered in the GUI thread. The apps never open a
port or a database: this is all they talk to.
"""

from __future__ import annotations

import asyncio
import threading
import uuid

from PyQt6.QtCore import QObject, pyqtSignal

from hallkit.bus.client import BusClient, BusError, BusSettings
from hallkit.contract.envelope import Status

REPLY_WAIT_S = 5.0


class BusBridge(QObject):
    message = pyqtSignal(str, bytes)             # topic, payload
    replied = pyqtSignal(str, str, object)       # tag, action, Reply (or an error text)
    connection = pyqtSignal(bool)

    def __init__(self, settings: BusSettings, client_id: str, hall: str,
                 status_topic: str | None = None) -> None:
        super().__init__()
        self._settings, self._client_id, self._hall = settings, client_id, hall
        self._status_topic = status_topic  # the app's own retained status (last will: offline)
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bus", daemon=True)
        self.client: BusClient | None = None

    def start(self, timeout: float = 10.0) -> None:
        self._thread.start()
        if not self._ready.wait(timeout):
            raise BusError("the bus thread did not start")

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        will = (self._status_topic, Status.now("offline")) if self._status_topic else None
        self.client = BusClient(self._settings, self._client_id, hall=self._hall, will=will)
        self._ready.set()
        self._loop.run_until_complete(self._connect())
        self._loop.run_forever()

    @property
    def is_connected(self) -> bool:
        """Connected now (the ``connection`` signal tells each change after this)."""
        return self.client is not None and self.client.connected.is_set()

    def _on_connect(self) -> None:
        if self._status_topic:
            self.client.publish(self._status_topic, Status.now("online"), retain=True)

    async def _connect(self) -> None:
        self.client.on_connect(self._on_connect)
        # Every change, both ways: lost, refused, back (the UI says which it is now).
        self.client.on_state(lambda text: self.connection.emit(text == "connected"))
        try:
            await self.client.connect(timeout=30)
        except BusError:
            self.connection.emit(False)

    def subscribe(self, pattern: str) -> None:
        self._loop.call_soon_threadsafe(
            self.client.subscribe, pattern, lambda topic, payload: self.message.emit(topic, payload))

    def request(self, topic: str, data: dict, tag: str = "") -> str:
        """Send a command; the answer comes as ``replied(tag, action, reply)``."""
        action = topic.rsplit("/", 1)[-1]
        tag = tag or uuid.uuid4().hex

        async def ask():
            try:
                # A person pressed this: if the daemon cannot act within the wait the screen
                # shows, it must not act later (the broker would otherwise keep it for the
                # daemon's return). Device clocks are kept in step by NTP (docs/security.md).
                # The request expires a second before the screen gives up on it: a daemon
                # that acts at all answers while the screen still waits.
                reply = await self.client.request(topic, data, timeout=REPLY_WAIT_S,
                                                  ttl=REPLY_WAIT_S - 1)
            except BusError as exc:
                reply = str(exc)
            self.replied.emit(tag, action, reply)

        asyncio.run_coroutine_threadsafe(ask(), self._loop)
        return tag

    def stop(self) -> None:
        if self.client is not None and self._loop.is_running():
            asyncio.run_coroutine_threadsafe(self.client.close(), self._loop).result(5)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5)
