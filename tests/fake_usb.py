"""A pyusb backend standing in for the USB bus this machine does not have: printer-class
devices with descriptors, bulk endpoints and string descriptors, which can be unplugged
and plugged back. Behind it sits the same ESC/POS paper model the simulator uses, so a
status request gets a real printer's answer."""

from __future__ import annotations

import array
import errno
from types import SimpleNamespace

import usb.backend
import usb.core

from hallkit.drivers.escpos.paper import PaperModel
from hallkit.drivers.escpos.status import reply_for


class FakePrinter:
    def __init__(self, vid: int, pid: int, serial: str, *, out_ep: int = 0x02, in_ep: int = 0x81,
                 bus: int = 1, address: int = 5) -> None:
        self.vid, self.pid, self.serial = vid, pid, serial
        self.out_ep, self.in_ep = out_ep, in_ep
        self.bus, self.address = bus, address
        self.plugged = True
        self.generation = 0  # a replugged device is a new device: old handles stay dead
        self.condition = "ok"
        self.tickets = []
        self.pending = bytearray()  # status bytes waiting on the IN endpoint
        self.model = PaperModel(self.tickets.append, self._status)
        self.strings = {1: "Xprinter", 2: "XP-80C", 3: serial}

    def unplug(self) -> None:
        self.plugged = False
        self.generation += 1

    def plug(self) -> None:
        self.plugged = True

    def _status(self, n: int) -> None:
        value = reply_for(n, self.condition)
        if value is not None:
            self.pending.append(value)


def _gone() -> usb.core.USBError:
    return usb.core.USBError("No such device (it may have been disconnected)", errno.ENODEV,
                             -4)


class FakeBackend(usb.backend.IBackend):
    def __init__(self, *printers: FakePrinter) -> None:
        self.printers = list(printers)

    def enumerate_devices(self):
        return [p for p in self.printers if p.plugged]

    def get_device_descriptor(self, dev):
        return SimpleNamespace(
            bLength=18, bDescriptorType=1, bcdUSB=0x0200, bDeviceClass=0, bDeviceSubClass=0,
            bDeviceProtocol=0, bMaxPacketSize0=64, idVendor=dev.vid, idProduct=dev.pid,
            bcdDevice=0x0100, iManufacturer=1, iProduct=2, iSerialNumber=3, bNumConfigurations=1,
            address=dev.address, bus=dev.bus, port_number=1, port_numbers=(1,), speed=2)

    def get_configuration_descriptor(self, dev, config):
        return SimpleNamespace(bLength=9, bDescriptorType=2, wTotalLength=32, bNumInterfaces=1,
                               bConfigurationValue=1, iConfiguration=0, bmAttributes=0xC0,
                               bMaxPower=50, extra_descriptors=[])

    def get_interface_descriptor(self, dev, intf, alt, config):
        return SimpleNamespace(bLength=9, bDescriptorType=4, bInterfaceNumber=0, bAlternateSetting=0,
                               bNumEndpoints=2, bInterfaceClass=7, bInterfaceSubClass=1,
                               bInterfaceProtocol=2, iInterface=0, extra_descriptors=[])

    def get_endpoint_descriptor(self, dev, ep, intf, alt, config):
        address = (dev.out_ep, dev.in_ep)[ep]
        return SimpleNamespace(bLength=7, bDescriptorType=5, bEndpointAddress=address,
                               bmAttributes=2, wMaxPacketSize=64, bInterval=0, bRefresh=0,
                               bSynchAddress=0, extra_descriptors=[])

    def open_device(self, dev):
        if not dev.plugged:
            raise _gone()
        return SimpleNamespace(dev=dev, generation=dev.generation)

    def close_device(self, handle):
        pass

    def set_configuration(self, handle, value):
        self._check(handle)

    def get_configuration(self, handle):
        self._check(handle)
        return 1

    def claim_interface(self, handle, intf):
        self._check(handle)

    def release_interface(self, handle, intf):
        pass

    def reset_device(self, handle):
        self._check(handle)

    def bulk_write(self, handle, ep, intf, data, timeout):
        dev = self._check(handle)
        if ep != dev.out_ep:
            raise usb.core.USBError("Pipe error", errno.EPIPE, -9)
        dev.model.feed(bytes(data))
        return len(data)

    def bulk_read(self, handle, ep, intf, buff, timeout):
        dev = self._check(handle)
        if ep != dev.in_ep:
            raise usb.core.USBError("Pipe error", errno.EPIPE, -9)
        if not dev.pending:
            raise usb.core.USBTimeoutError("Operation timed out", errno.ETIMEDOUT, -7)
        n = min(len(buff), len(dev.pending))
        buff[:n] = array.array("B", dev.pending[:n])
        del dev.pending[:n]
        return n

    def ctrl_transfer(self, handle, bmRequestType, bRequest, wValue, wIndex, data, timeout):
        dev = self._check(handle)
        kind, index = wValue >> 8, wValue & 0xFF
        if bRequest != 0x06 or kind != 3:
            raise usb.core.USBError("Pipe error", errno.EPIPE, -9)
        if index == 0:
            desc = bytes([4, 3, 0x09, 0x04])  # one language: en-US
        else:
            text = dev.strings[index].encode("utf-16-le")
            desc = bytes([2 + len(text), 3]) + text
        n = min(len(data), len(desc))
        data[:n] = array.array("B", desc[:n])
        return n

    @staticmethod
    def _check(handle) -> FakePrinter:
        if not handle.dev.plugged or handle.generation != handle.dev.generation:
            raise _gone()
        return handle.dev
