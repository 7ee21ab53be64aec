"""python-escpos connectors, plus what they lack for a status you can trust: reading
one reply byte within a short deadline (theirs wait up to 60 s on TCP, or report an
empty read as "paper adequate"), chunked writes, and USB endpoints read from the
descriptor instead of assumed.

Every link has ``open()``, ``close()``, ``write(data)``, ``read_byte(timeout)`` (None
when nothing came) and ``discard_input()``; writes and reads raise ``OSError`` (or
``usb.core.USBError``) when the link is gone.
"""

from __future__ import annotations

import os
import select
import socket

import usb.core
import usb.util
from escpos.printer import File, Network, Serial, Usb

CHUNK = 4096  # big raster jobs time out in one write (python-escpos #459)
PRINTER_CLASS = 7


class _Chunked:
    def write(self, data: bytes) -> None:
        for i in range(0, len(data), CHUNK):
            self._raw(data[i:i + CHUNK])


class NetworkLink(_Chunked, Network):
    def open(self, raise_not_found: bool = True) -> None:
        super().open(raise_not_found=True)
        # A status poll right after a job would wait for the job's ACK (Nagle), which the
        # printer delays up to 40 ms: the next ticket waited behind it.
        self.device.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def read_byte(self, timeout: float) -> int | None:
        ready, _, _ = select.select([self.device], [], [], timeout)
        if not ready:
            return None
        data = self.device.recv(1)
        if not data:
            raise ConnectionResetError("the printer closed the connection")
        return data[0]

    def discard_input(self) -> None:
        while select.select([self.device], [], [], 0)[0]:
            if not self.device.recv(4096):
                raise ConnectionResetError("the printer closed the connection")


class SerialLink(_Chunked, Serial):
    def read_byte(self, timeout: float) -> int | None:
        self.device.timeout = timeout
        data = self.device.read(1)
        return data[0] if data else None

    def discard_input(self) -> None:
        self.device.reset_input_buffer()


class FileLink(_Chunked, File):
    """/dev/usb/lp0 and the like: opened read-write, so a bidirectional printer's
    status replies can be read back."""

    def open(self, raise_not_found: bool = True) -> None:
        self.device = os.fdopen(os.open(self.devfile, os.O_RDWR | os.O_NONBLOCK), "r+b", buffering=0)

    def _raw(self, msg: bytes) -> None:
        view = memoryview(msg)
        while view:
            select.select([], [self.device], [], 5.0)
            view = view[self.device.write(view) or 0:]

    def read_byte(self, timeout: float) -> int | None:
        if not select.select([self.device], [], [], timeout)[0]:
            return None
        data = self.device.read(1)
        return data[0] if data else None

    def discard_input(self) -> None:
        while select.select([self.device], [], [], 0)[0] and self.device.read(4096):
            pass


class UsbLink(_Chunked, Usb):
    """USB printer class device by vendor:product[:serial]; ``backend`` is pyusb's
    (None: libusb1), replaceable in tests."""

    def __init__(self, vid: int, pid: int, serial: str | None = None, backend=None) -> None:
        args: dict = {"idVendor": vid, "idProduct": pid}
        if backend is not None:
            args["backend"] = backend
        if serial:
            args["custom_match"] = lambda d: usb.util.get_string(d, d.iSerialNumber) == serial
        super().__init__(usb_args=args, timeout=5000)

    def open(self, raise_not_found: bool = True) -> None:
        super().open(raise_not_found=True)
        intf = next((i for i in self.device.get_active_configuration()
                     if i.bInterfaceClass == PRINTER_CLASS), None)
        if intf is None:
            raise OSError("the USB device has no printer-class interface")

        def endpoint(direction):
            ep = usb.util.find_descriptor(intf, custom_match=lambda e: usb.util.endpoint_direction(
                e.bEndpointAddress) == direction and usb.util.endpoint_type(e.bmAttributes)
                == usb.util.ENDPOINT_TYPE_BULK)
            return ep.bEndpointAddress if ep is not None else None

        self.out_ep = endpoint(usb.util.ENDPOINT_OUT)
        self.in_ep = endpoint(usb.util.ENDPOINT_IN)
        if self.out_ep is None:
            raise OSError("the USB printer interface has no bulk OUT endpoint")

    def read_byte(self, timeout: float) -> int | None:
        if self.in_ep is None:
            return None
        try:
            data = self.device.read(self.in_ep, 64, max(1, int(timeout * 1000)))
        except usb.core.USBTimeoutError:
            return None
        return data[0] if len(data) else None

    def discard_input(self) -> None:
        if self.in_ep is None:
            return
        try:
            while len(self.device.read(self.in_ep, 64, 1)):
                pass
        except usb.core.USBTimeoutError:
            pass

    def close(self) -> None:
        if self.device is not None:
            usb.util.dispose_resources(self.device)
        self.device = None
        self._device = False


def link_for(link, *, baud: int, sim: dict | None = None, usb_backend=None,
             connect_timeout: float = 2.0):
    """A connector for a hall-config link (not yet open). For ``sim://`` links ``sim`` is
    where the simulator listens (``drivers.sim.lines.sim_endpoint``); None while it is not up."""
    if link.scheme == "tcp":
        host, _, port = link.target.rpartition(":")
        return NetworkLink(host, int(port), timeout=connect_timeout)
    if link.scheme == "serial":
        return SerialLink(link.target, baudrate=link.baud or baud, timeout=0.5)
    if link.scheme == "file":
        return FileLink(link.target)
    if link.scheme == "usb":
        vid, pid, *serial = link.target.split(":")
        return UsbLink(int(vid, 16), int(pid, 16), serial[0] if serial else None, usb_backend)
    if link.scheme == "sim":
        if sim is None:
            return None
        if "port" in sim:
            return NetworkLink(sim["host"], sim["port"], timeout=connect_timeout)
        return SerialLink(sim["path"], baudrate=baud, timeout=0.5)
    raise ValueError(f"a printer cannot use a {link.scheme} link")
