"""`hallctl up`: broker, daemons and simulators as children, kept running.

Starts the embedded broker (with users and ACL) when the config asks, then each
daemon as its own process; restarts a child that dies, with backoff; stops all
in reverse order.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from hallkit.broker.acl import write_broker_files
from hallkit.broker.mosquitto import Mosquitto
from hallkit.bus.settings import broker_runfile
from hallkit.cli.ops_bus import ops_bus
from hallkit.config.model import HallConfig
from hallkit.contract.topics import Topics
from hallkit.drivers.sim.lines import simulated_devices
from hallkit.plugins import daemons
from hallkit.runtime.orphans import die_with_parent

log = logging.getLogger(__name__)

BACKOFF_MAX_S = 30.0
STABLE_AFTER_S = 60.0  # a child that ran this long starts its backoff afresh
STOP_WAIT_S = 5.0


@dataclass
class Child:
    name: str
    argv: list[str]
    log_path: Path
    proc: subprocess.Popen | None = None
    started: float = 0.0
    failures: int = 0
    restart_at: float | None = None
    history: list[str] = field(default_factory=list)

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def last_words(self) -> str:
        """The last line the child logged: why it stopped, in its own words."""
        try:
            with open(self.log_path, "rb") as f:
                f.seek(max(0, f.seek(0, os.SEEK_END) - 2048))
                lines = f.read().decode(errors="replace").strip().splitlines()
        except OSError:
            return "no log"
        return lines[-1].split(": ", 1)[-1][:300] if lines else "nothing logged"

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as out:
            self.proc = subprocess.Popen(self.argv, stdout=out, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True,
                                         preexec_fn=die_with_parent())
        self.started = time.monotonic()
        self.restart_at = None


class Supervisor:
    def __init__(self, cfg: HallConfig, config_path: Path) -> None:
        self.cfg = cfg
        self.config_path = config_path.resolve()
        self.storage = cfg.storage_path
        self.broker: Mosquitto | None = None
        self.children: list[Child] = []
        self.stopping = False
        self._broker_failures = 0
        self._broker_retry_at = 0.0
        self._broker_starting: float | None = None  # a restarted broker must listen by then

    # -- start ----------------------------------------------------------------
    async def start_broker(self) -> None:
        if not self.cfg.bus.embedded:
            return
        workdir = self.storage / "broker"
        passwd = acl = None
        if self.cfg.bus.auth:
            passwd, acl = write_broker_files(self.cfg, workdir)
        self.broker = Mosquitto(workdir, host=self.cfg.bus.host, port=self.cfg.bus.port,
                                password_file=passwd, acl_file=acl)
        await self.broker.start_async()  # waits for its port without holding up the loop
        self._write_runfile()

    def _write_runfile(self) -> None:
        runfile = broker_runfile(self.cfg)
        runfile.parent.mkdir(parents=True, exist_ok=True)
        socket = str(self.broker.ops_socket) if self.broker.ops_socket else None
        runfile.write_text(json.dumps({"host": self.broker.host, "port": self.broker.port,
                                       "socket": socket,
                                       "pid": self.broker.proc.pid}))

    def start_daemons(self) -> None:
        """The simulator host first (when the hall has simulated lines), then each daemon."""
        hallctl = [sys.executable, "-m", "hallkit.cli.main"]
        config = ["--config", str(self.config_path)]
        commands = [("sim", [*hallctl, "sim", "run", *config])] if simulated_devices(self.cfg) else []
        commands += [(name, [*hallctl, "run", name, *config]) for name in daemons()]
        for name, argv in commands:
            child = Child(name, argv, self.storage / "logs" / f"{name}.log")
            child.start()
            self.children.append(child)

    async def wait_online(self, timeout: float = 30.0) -> dict[str, str]:
        """Wait until every daemon's retained status says online; returns the states seen."""
        states = {child.name: "missing" for child in self.children}

        def on_status(topic: str, payload: bytes) -> None:
            name = topic.split("/")[2]
            try:
                body = json.loads(payload)
            except ValueError:
                return
            # A retained 'online' from a previous run must not count: it predates our child.
            child = next((c for c in self.children if c.name == name), None)
            if child and body.get("pid") == child.pid:
                states[name] = body.get("state", "missing")

        async with ops_bus(self.cfg) as bus:
            bus.subscribe(Topics(self.cfg.hall.id, "+").status, on_status)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and any(s != "online" for s in states.values()):
                self.poll()
                await asyncio.sleep(0.05)
        return states

    # -- keep running -------------------------------------------------------------
    def poll(self) -> None:
        """Notice dead children and restart them when their backoff has passed."""
        now = time.monotonic()
        if self.broker and not self.stopping:
            self._keep_broker(now)
        for child in self.children:
            if self.stopping or child.proc is None:
                continue
            code = child.proc.poll()
            if code is not None and child.restart_at is None:
                child.failures = 1 if now - child.started > STABLE_AFTER_S else child.failures + 1
                delay = min(BACKOFF_MAX_S, 2.0 ** (child.failures - 1))
                child.restart_at = now + delay
                child.history.append(f"exit {code}")
                log.error("%s exited with %s (%s); restarting in %.0f s (see %s)",
                          child.name, code, child.last_words(), delay, child.log_path)
            elif code is not None and child.restart_at is not None and now >= child.restart_at:
                log.warning("restarting %s", child.name)
                child.start()

    def _keep_broker(self, now: float) -> None:
        """Restart a dead broker on its port; each poll looks whether it listens yet (never
        waiting here: this is the supervisor's loop)."""
        try:
            if self._broker_starting is None:
                if not self.broker.running and now >= self._broker_retry_at:
                    log.error("mosquitto died (exit %s); restarting it on port %d",
                              self.broker.proc.returncode if self.broker.proc else "?",
                              self.broker.port)
                    self.broker.spawn()
                    self._broker_starting = now + 10.0
            elif self.broker.listening():
                self._broker_starting = None
                self._broker_failures = 0
                self._write_runfile()
            elif now > self._broker_starting:
                self.broker.stop()
                self._broker_failed(now, f"it did not listen on port {self.broker.port} in time")
        except RuntimeError as exc:  # it exited at once, e.g. the port is taken
            self._broker_failed(now, str(exc))

    def _broker_failed(self, now: float, why: str) -> None:
        """Try again later each time."""
        self._broker_starting = None
        self._broker_failures += 1
        delay = min(BACKOFF_MAX_S, 2.0 ** self._broker_failures)
        self._broker_retry_at = now + delay
        log.error("mosquitto did not start (%s); next try in %.0f s", why, delay)

    async def run_until(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.poll()  # never waits: children are started from this (the main) thread
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.5)

    # -- stop -------------------------------------------------------------------
    def stop_all(self) -> None:
        """Daemons in reverse start order (each given 5 s), then the broker."""
        self.stopping = True
        for child in reversed(self.children):
            if child.proc and child.proc.poll() is None:
                child.proc.send_signal(signal.SIGTERM)
                try:
                    child.proc.wait(STOP_WAIT_S)
                except subprocess.TimeoutExpired:
                    log.error("%s did not stop in %.0f s; killing it", child.name, STOP_WAIT_S)
                    child.proc.kill()
                    child.proc.wait()
        if self.broker:
            self.broker.stop()
            runfile = broker_runfile(self.cfg)
            if runfile.exists():
                os.unlink(runfile)
