"""How request and reply frames travel to an ID card reader: a serial port (RS-232, a
USB virtual COM port, or the simulator's pty) or the reader's USB bulk endpoints.

Each link has ``open()``, ``close()`` and ``transact(frame, timeout)``: the whole reply
frame (framed by the LEN of its head), None when nothing complete came in time, or
``FrameError`` for a garbled head, after the line has been drained.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

import usb.core
import usb.util

from hallkit.drivers.idcard_sam.codec import HEAD, PREAMBLE, FrameError, body_length
from hallkit.drivers.transport.serial_line import SerialLine

log = logging.getLogger(__name__)

QUIET_S = 0.05  # a garbled reply is drained until the line stays quiet this long
DRAIN_MAX_S = 1.0  # ... or this long at most (a line that never stops is no reader)


class SerialSamLink:
    def __init__(self, path: str, *, baud: int, fmt: str,
                 on_port: Callable[[bool, str], None]) -> None:
        self._buf = bytearray()
        self._got = asyncio.Event()
        self.line = SerialLine(path, baud=baud, fmt=fmt, on_bytes=self._bytes, on_state=on_port)

    async def open(self) -> None:
        await self.line.open()

    def close(self) -> None:
        self.line.close()

    def _bytes(self, data: bytes) -> None:
        self._buf += data
        self._got.set()

    async def transact(self, frame: bytes, timeout: float) -> bytes | None:
        self._buf.clear()  # a late answer to an earlier request is no answer to this one
        if not self.line.write(frame):
            return None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if len(self._buf) >= HEAD:
                if not self._buf.startswith(PREAMBLE):
                    await self.drain()
                    raise FrameError(f"reply does not start with the preamble: "
                                     f"{bytes(self._buf[:HEAD]).hex(' ')}")
                try:
                    need = HEAD + body_length(bytes(self._buf[:HEAD]))
                except FrameError:
                    await self.drain()
                    raise
                if len(self._buf) >= need:
                    return bytes(self._buf[:need])
            left = deadline - loop.time()
            if left <= 0:
                return None
            self._got.clear()
            try:
                await asyncio.wait_for(self._got.wait(), left)
            except TimeoutError:
                return None

    async def drain(self) -> None:
        """Wait for the line to fall quiet (at most DRAIN_MAX_S) and forget what came."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + DRAIN_MAX_S
        while loop.time() < deadline:
            self._got.clear()
            try:
                await asyncio.wait_for(self._got.wait(), QUIET_S)
            except TimeoutError:
                break
        self._buf.clear()


class UsbSamLink:
    """The reader's USB form: the same frames over bulk endpoints (found in the descriptor,
    OUT 0x02 / IN 0x81 on most models). pyusb blocks, so each transfer runs in a thread."""

    def __init__(self, vid: int, pid: int, serial: str | None = None, backend=None) -> None:
        self.match: dict = {"idVendor": vid, "idProduct": pid}
        if backend is not None:
            self.match["backend"] = backend
        if serial:
            self.match["custom_match"] = lambda d: usb.util.get_string(d, d.iSerialNumber) == serial
        self.device = None
        self.out_ep = self.in_ep = None
        self._said = ""  # the last trouble logged

    async def open(self) -> None:
        """Nothing to hold open between requests: each transact finds the device if needed."""

    def close(self) -> None:
        if self.device is not None:
            with contextlib.suppress(usb.core.USBError):
                usb.util.dispose_resources(self.device)
        self.device = None

    async def transact(self, frame: bytes, timeout: float) -> bytes | None:
        try:
            return await asyncio.to_thread(self._transact, frame, timeout)
        except (usb.core.USBError, OSError) as exc:
            if str(exc) != self._said:  # once per kind of trouble, not at every poll
                self._said = str(exc)
                log.warning("USB ID card reader: %s", exc)
            self.close()  # unplugged: found again on a later poll
            return None

    def _find(self) -> None:
        device = usb.core.find(**self.match)
        if device is None:
            raise OSError("the reader is not on the USB bus")
        try:
            if device.is_kernel_driver_active(0):
                device.detach_kernel_driver(0)
        except NotImplementedError:
            pass  # a platform without kernel drivers to detach
        except usb.core.USBError as exc:  # e.g. no permission: said, not swallowed
            raise OSError(f"the kernel's driver holds the reader and could not be detached: {exc}") from exc
        intf = device.get_active_configuration()[(0, 0)]

        def bulk(direction):
            ep = usb.util.find_descriptor(intf, custom_match=lambda e: usb.util.endpoint_direction(
                e.bEndpointAddress) == direction and usb.util.endpoint_type(e.bmAttributes)
                == usb.util.ENDPOINT_TYPE_BULK)
            return ep.bEndpointAddress if ep is not None else None

        self.out_ep, self.in_ep = bulk(usb.util.ENDPOINT_OUT), bulk(usb.util.ENDPOINT_IN)
        if self.out_ep is None or self.in_ep is None:
            raise OSError("the reader's USB interface lacks a bulk endpoint pair")
        self.device = device

    async def drain(self) -> None:
        if self.device is not None:
            with contextlib.suppress(usb.core.USBError, OSError):
                await asyncio.to_thread(self._drain)

    def _transact(self, frame: bytes, timeout: float) -> bytes | None:
        if self.device is None:
            self._find()
        self._flush()  # a reply that came after its request gave up is no answer to this one
        self.device.write(self.out_ep, frame, 1000)
        got = bytearray()
        need = HEAD
        wait_ms = max(1, int(timeout * 1000))
        while len(got) < need:
            try:
                got += self.device.read(self.in_ep, 512, wait_ms)
            except usb.core.USBTimeoutError:
                return None
            if len(got) >= HEAD and need == HEAD:
                try:
                    if not got.startswith(PREAMBLE):
                        raise FrameError(f"reply does not start with the preamble: "
                                         f"{bytes(got[:HEAD]).hex(' ')}")
                    need = HEAD + body_length(bytes(got[:HEAD]))
                except FrameError:
                    self._drain()
                    raise
        return bytes(got[:need])

    def _drain(self, quiet_ms: int = int(QUIET_S * 1000)) -> None:
        deadline = time.monotonic() + DRAIN_MAX_S
        with contextlib.suppress(usb.core.USBTimeoutError):
            while time.monotonic() < deadline and len(self.device.read(self.in_ep, 512, quiet_ms)):
                pass

    def _flush(self) -> None:
        self._drain(quiet_ms=1)
