"""One serial port (RS-485/RS-232 adapter, or a simulator's pty) in the asyncio loop.

Reads without blocking through the loop's reader on the port's file descriptor,
hands every chunk to ``on_bytes``, and when the port goes away (unplugged
adapter) logs it once, tells ``on_state`` and reopens it with backoff; it
never raises into the daemon. Writes never block either: what the line does not
take at once waits in a small buffer sent when the port is writable, and a line
that takes nothing for ``STUCK_S`` (or lets ``OUT_MAX`` bytes pile up) is treated
as lost and reopened.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Callable

import serial

log = logging.getLogger(__name__)

PARITY = {"N": serial.PARITY_NONE, "E": serial.PARITY_EVEN, "O": serial.PARITY_ODD,
          "M": serial.PARITY_MARK, "S": serial.PARITY_SPACE}


class SerialLine:
    REOPEN_MIN_S = 0.5
    REOPEN_MAX_S = 10.0
    OUT_MAX = 4096  # bytes waiting for the line at most (a keypad line sends tens a second)
    STUCK_S = 2.0

    def __init__(self, path: str, *, baud: int = 9600, fmt: str = "8N1",
                 on_bytes: Callable[[bytes], None], on_state: Callable[[bool, str], None] | None = None):
        self.path, self.baud, self.fmt = path, baud, fmt
        self.on_bytes = on_bytes
        self.on_state = on_state or (lambda up, why: None)
        self.port: serial.Serial | None = None
        self._out = bytearray()  # written, not yet taken by the line
        self._stuck_since: float | None = None
        self._stuck_check: asyncio.TimerHandle | None = None  # looks again if nothing moves
        self._loop: asyncio.AbstractEventLoop | None = None
        self._reopen: asyncio.Task | None = None
        self._closing = False

    @property
    def is_open(self) -> bool:
        return self.port is not None

    async def open(self) -> None:
        """Open now if possible; otherwise keep trying in the background."""
        self._loop = asyncio.get_running_loop()
        self._closing = False
        if not self._try_open():
            self._schedule_reopen()

    def write(self, data: bytes) -> bool:
        """Send bytes without blocking; False (and the port is reopened) if it is gone or stuck."""
        if self.port is None:
            return False
        self._out += data
        if len(self._out) > self.OUT_MAX:
            self._lost(f"stuck: {len(self._out)} bytes not taken")
            return False
        return self._flush()

    def _flush(self) -> bool:
        fd = self.port.fileno()
        try:  # the port is non-blocking: the line takes what it can now
            taken = os.write(fd, self._out)
        except BlockingIOError:
            taken = 0
        except OSError as exc:
            self._lost(f"write failed: {exc}")
            return False
        del self._out[:taken]
        now = time.monotonic()
        if not self._out:
            if self._stuck_since is not None:
                self._loop.remove_writer(fd)
            self._stuck_since = None
        elif self._stuck_since is None:
            self._stuck_since = now
            self._loop.add_writer(fd, self._flush)
            self._watch_stuck()
        elif taken == 0 and now - self._stuck_since > self.STUCK_S:
            self._lost(f"stuck: nothing taken for {self.STUCK_S:g} s")
            return False
        elif taken:
            self._stuck_since = now
        return True

    def _watch_stuck(self) -> None:
        """A line may take nothing and never become writable: look again in STUCK_S."""
        def check() -> None:
            self._stuck_check = None
            if self._stuck_since is None or self.port is None:
                return
            if time.monotonic() - self._stuck_since > self.STUCK_S:
                self._lost(f"stuck: nothing taken for {self.STUCK_S:g} s")
            else:
                self._watch_stuck()
        self._stuck_check = self._loop.call_later(self.STUCK_S + 0.05, check)

    def close(self) -> None:
        self._closing = True
        if self._reopen:
            self._reopen.cancel()
        self._drop_port()

    # -- internals -------------------------------------------------------------------
    def _try_open(self) -> bool:
        bits, parity, stop = int(self.fmt[0]), PARITY[self.fmt[1]], int(self.fmt[2])
        try:
            self.port = serial.Serial(self.path, self.baud, bytesize=bits, parity=parity,
                                      stopbits=stop, timeout=0, write_timeout=0)
        except (OSError, serial.SerialException):
            return False  # not there (yet): the reopen loop tries again
        self._loop.add_reader(self.port.fileno(), self._readable)
        log.info("%s open at %d %s", self.path, self.baud, self.fmt)
        self.on_state(True, "open")
        return True

    def _readable(self) -> None:
        try:
            data = self.port.read(self.port.in_waiting or 1)
        except (OSError, serial.SerialException) as exc:
            self._lost(f"read failed: {exc}")
            return
        if data:
            self.on_bytes(data)

    def _lost(self, why: str) -> None:
        log.error("%s lost (%s); reopening in the background", self.path, why)
        self._drop_port()
        self.on_state(False, why)
        self._schedule_reopen()

    def _drop_port(self) -> None:
        if self.port is not None:
            # The descriptor may already be gone with the device: nothing left to undo then.
            with contextlib.suppress(OSError, ValueError):
                self._loop.remove_reader(self.port.fileno())
            with contextlib.suppress(OSError, ValueError):
                self._loop.remove_writer(self.port.fileno())
            if self._stuck_check:
                self._stuck_check.cancel()
            self._out.clear()
            self._stuck_since = self._stuck_check = None
            with contextlib.suppress(OSError, serial.SerialException):
                self.port.close()
            self.port = None

    def _schedule_reopen(self) -> None:
        if not self._closing and (self._reopen is None or self._reopen.done()):
            self._reopen = self._loop.create_task(self._reopen_loop())

    async def _reopen_loop(self) -> None:
        delay = self.REOPEN_MIN_S
        while not self._closing:
            await asyncio.sleep(delay)
            if self._try_open():
                return
            delay = min(self.REOPEN_MAX_S, delay * 2)
