"""One evdev input device, grabbed, read in the asyncio loop; survives unplugging.

Bound by a stable name (/dev/input/by-id/…). When the device goes away (the read
raises OSError 19) it is marked offline and the path is polled until it is back,
then grabbed again. ``open_device`` is the one place that touches /dev/input, so
tests give it a fake device.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

POLL_S = 1.0


def _evdev_open(path: str):
    from evdev import InputDevice
    return InputDevice(path)


def _open(path: str):
    return _evdev_open(path)  # looked up at call time, so tests can stand in for /dev/input


class DeviceReader:
    def __init__(self, path: str, on_event: Callable, on_state: Callable[[bool, str], None],
                 open_device: Callable | None = None) -> None:
        self.path = path
        self.on_event = on_event
        self.on_state = on_state
        self.open_device = open_device or _open
        self._closing = False

    async def run(self) -> None:
        while not self._closing:
            try:
                device = self.open_device(self.path)
                device.grab()  # its keys must not reach the desktop or the kiosk
            except OSError as exc:
                self.on_state(False, f"not present ({exc.strerror or exc})")
                await asyncio.sleep(POLL_S)
                continue
            self.on_state(True, "grabbed")
            try:
                async for event in device.async_read_loop():
                    self.on_event(event)
            except OSError as exc:
                if exc.errno != errno.ENODEV:
                    log.error("%s: read failed: %s", self.path, exc)
                self.on_state(False, "unplugged")
            finally:
                with contextlib.suppress(OSError):  # it may be gone already
                    device.close()
            await asyncio.sleep(POLL_S)

    def close(self) -> None:
        self._closing = True
