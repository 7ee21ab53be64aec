"""What every daemon shares: store, bus, status, commands, watchdog, clean stop.

A daemon subclasses ``Daemon``, names itself, lists its migrations, marks its
command handlers with ``@handles("action")`` and publishes its retained state
in ``start()``. ``run()`` does the rest in this order: store migrated → bus
connected → state out → status online → READY; and on SIGTERM: STOPPING →
inbox drained → status offline → disconnect, within 5 s.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal
from collections.abc import Awaitable, Callable, Sequence
from typing import ClassVar

from pydantic import BaseModel

import hallkit
from hallkit.bus.client import BusClient, BusError, BusSettings
from hallkit.bus.settings import daemon_user
from hallkit.clock import Clock
from hallkit.config.model import HallConfig
from hallkit.contract.envelope import Availability, Status
from hallkit.contract.topics import Topics
from hallkit.keys import key_file
from hallkit.runtime.commands import RUNTIME_MIGRATIONS, Dispatcher
from hallkit.runtime.durability import Checkpointer
from hallkit.runtime.sdnotify import Notifier
from hallkit.runtime.senders import hall_senders
from hallkit.store import Migration, StorageError, Store, storage_problem

log = logging.getLogger(__name__)

HEARTBEAT_S = 30.0
STOP_BUDGET_S = 4.0  # of the 5 s a stop may take
QUIET_S = 0.002  # state publishing waits this long for the inbox to stay empty


async def keep_running(what: str, run: Callable[[], Awaitable[None]], pause: float = 2.0) -> None:
    """Run ``run()`` for good: a device loop that fails on something unforeseen is logged,
    given ``pause`` seconds, and started again, so one bad device never stops a daemon."""
    while True:
        try:
            await run()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s failed; restarting it", what)
            await asyncio.sleep(pause)


class Daemon:
    name: ClassVar[str]
    migrations: ClassVar[Sequence[Migration]] = ()

    def __init__(self, cfg: HallConfig, *, clock: Clock, bus_settings: BusSettings,
                 notifier: Notifier | None = None) -> None:
        self.cfg = cfg
        self.clock = clock
        self.topics = Topics(cfg.hall.id, self.name)
        self.notifier = notifier or Notifier()
        self.store = Store(cfg.storage_path / f"{self.name}.sqlite", clock)
        self.store.migrate("runtime", RUNTIME_MIGRATIONS)
        self.store.migrate(self.name, self.migrations)
        self.bus = BusClient(bus_settings, daemon_user(self.name), hall=cfg.hall.id,
                             persistent=True, clock=clock,
                             will=(self.topics.status, self._status("offline")))
        handlers = {fn.hallkit_action: fn for fn in
                    (getattr(self, n) for n in dir(type(self)))
                    if callable(fn) and hasattr(fn, "hallkit_action")}
        digest_key = key_file(cfg.credentials_path / f"{self.name}-request-digest.key")
        self.commands = Dispatcher(self.name, self.topics, handlers, self.store, self.bus, clock,
                                   hall_senders(cfg), after_batch=self.after_batch,
                                   on_storage_lost=self._storage_lost, digest_key=digest_key)
        self.checkpointer = Checkpointer(self.store.path, self.name)
        self._lost: StorageError | None = None
        self.bus.subscribe(self.topics.commands, self.commands.on_message)
        self.bus.on_connect(self._republish)
        self.bus.on_state(lambda text: self.notifier.status(f"bus {text}"))  # systemctl status
        self.started_at = clock.time()
        self._stop = asyncio.Event()
        self._online = False
        self._last_publish = 0.0
        self._publish_timer: asyncio.TimerHandle | None = None
        self._publish_pending = None
        self._stopping = False

    # -- what subclasses provide ---------------------------------------------
    async def start(self) -> None:
        """Publish initial retained state; start the daemon's own tasks."""

    async def stop(self) -> None:
        """Stop the daemon's own tasks and devices."""

    def retained_state(self) -> BaseModel | None:
        """The current retained state, republished after every reconnect."""
        return None

    def after_batch(self) -> None:
        """Called once after each batch of commands is committed and answered."""

    def housekeeping(self) -> None:
        """Called hourly (and at start): forget what the daemon no longer needs."""

    def publish_soon(self, publish, max_delay: float = 0.1) -> None:
        """Run ``publish`` at the next quiet moment (a couple of ms on, with no command
        waiting), and at the latest ``max_delay`` after the last time: commands that
        arrive meanwhile are answered first, and under load state goes out a few times a
        second instead of after every batch. Events and replies are never delayed."""
        self._publish_pending = publish
        if self._publish_timer is None and not self._stopping:
            loop = asyncio.get_running_loop()
            self._publish_timer = loop.call_later(QUIET_S, self._publish_when_quiet, max_delay)

    def _publish_when_quiet(self, max_delay: float) -> None:
        loop = asyncio.get_running_loop()
        if not self.commands.idle and loop.time() - self._last_publish < max_delay:
            self._publish_timer = loop.call_later(QUIET_S, self._publish_when_quiet, max_delay)
            return
        self._publish_timer = None
        self._last_publish = loop.time()
        publish, self._publish_pending = self._publish_pending, None
        if publish is not None:
            self.commands.when_durable(publish)

    # -- helpers ----------------------------------------------------------------
    def publish_durably(self, publish: Callable[[], None] | None = None) -> None:
        """Publish state read from the store once what is committed is on disk."""
        self.commands.when_durable(publish or self.publish_state)

    def publish_state(self) -> None:
        state = self.retained_state()
        if state is not None:
            self.publish_retained(self.topics.state, state)

    def publish_retained(self, topic: str, state: BaseModel) -> None:
        """Retained state goes out at QoS 0: every reconnect republishes all of it, so a
        snapshot lost with a dropped connection is replaced at once."""
        try:
            self.bus.publish(topic, state, retain=True, qos=0)
        except BusError as exc:  # e.g. over the payload limit: the old state stays retained
            log.error("state not published: %s", exc)

    def publish_availability(self, kind: str, device_id: str, up: bool, reason: str | None = None) -> None:
        """A device's retained availability, from the daemon driving it."""
        self.publish_retained(Topics(self.cfg.hall.id, kind, device_id).availability, Availability(
            state="online" if up else "offline", ts=self.clock.time(), reason=None if up else reason))

    def request_stop(self) -> None:
        self._stop.set()

    def _storage_lost(self, exc: BaseException) -> None:
        """A sync of the store failed: stop, so that the store is reopened from the disk."""
        if self._lost is None:
            self._lost = StorageError(storage_problem(self.store.path, exc))
            self.request_stop()

    def _status(self, state: str) -> Status:
        return Status.now(state, ts=self.clock.time(), version=hallkit.__version__,
                          since=self.started_at if state == "online" else None)

    def _republish(self) -> None:
        if self._online:
            self.publish_durably()
            self.bus.publish(self.topics.status, self._status("online"), retain=True)

    # -- life cycle ---------------------------------------------------------------
    async def run(self, connect_timeout: float = 60.0) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, self.request_stop)
        self.notifier.status("connecting to the bus")
        await self.bus.connect(timeout=connect_timeout)
        await self.start()
        self.publish_state()
        info = self.bus.publish(self.topics.status, self._status("online"), retain=True)
        await self._published(info)
        self._online = True
        # What start-up allocated lives for good: keep it out of the collector's scans,
        # which otherwise grow with it and stall the loop now and then.
        gc.collect()
        gc.freeze()
        self.notifier.ready(f"online on {self.bus.settings.host}:{self.bus.settings.port}")
        log.info("%s online (pid %d)", self.name, os.getpid())
        # Checkpoints (two syncs each) run beside the commits, not inside one.
        self.store.conn.execute("PRAGMA wal_autocheckpoint=0")
        changes = lambda: self.store.conn.total_changes  # noqa: E731
        tasks = [asyncio.create_task(coro) for coro in
                 (self.commands.run(), self._heartbeat(), self._watchdog(), self._housekeeping(),
                  self.checkpointer.run(changes))]
        try:
            await self._stop.wait()
        finally:
            self.notifier.stopping()
            log.info("%s stopping", self.name)
            await self._drain()
            self._stopping = True
            self.commands.durable.finish()  # answers waiting on the disk go out while the bus is up
            if self._publish_timer:  # it would read the store after it is closed
                self._publish_timer.cancel()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await self.stop()
            self._online = False
            info = self.bus.publish(self.topics.status, self._status("offline"), retain=True)
            await self._published(info, timeout=1.0)
            await self.bus.close()
            self.commands.durable.close()
            self.checkpointer.close()
            self.store.close()
        if self._lost is not None:
            raise self._lost

    # I/O deadlines are real time (the loop's clock), not the hall's business clock.
    async def _drain(self) -> None:
        """Answer what already arrived, within the stop budget."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STOP_BUDGET_S / 2
        while not self.commands.idle and loop.time() < deadline:
            await asyncio.sleep(0.01)

    async def _published(self, info, timeout: float = 5.0) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not info.is_published() and loop.time() < deadline:
            await asyncio.sleep(0.005)

    async def _heartbeat(self) -> None:
        while True:
            await self.clock.sleep(HEARTBEAT_S)
            self.bus.publish(self.topics.status, self._status("online"), retain=True)

    async def _housekeeping(self) -> None:
        while True:
            purged = self.commands.purge()
            if purged:
                log.info("forgot %d request replies older than a day", purged)
            self.housekeeping()
            await self.clock.sleep(3600)

    async def _watchdog(self) -> None:
        """Ping systemd only while the loop turns, the bus is served and no batch hangs."""
        interval = self.notifier.watchdog_interval
        if not interval:
            return
        while True:
            await asyncio.sleep(interval)
            if self.bus.healthy and not self.commands.stalled(2 * interval):
                self.notifier.watchdog()
            else:
                log.error("not pinging the watchdog: bus healthy=%s, command batch stalled=%s",
                          self.bus.healthy, self.commands.stalled(2 * interval))
