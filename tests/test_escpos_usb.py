"""USB printers through python-escpos's Usb connector and pyusb, over a fake backend (the
machine has no USB bus): endpoints from the descriptor, the serial number picks one of
two printers, status replies, and unplug/replug without a restart."""

from __future__ import annotations

from fake_usb import FakeBackend, FakePrinter

from hallkit.config.links import parse_link
from hallkit.drivers.escpos.connectors import UsbLink, link_for
from hallkit.drivers.escpos.driver import EscposPrinter
from hallkit.drivers.escpos.encode import Encoder
from hallkit.drivers.escpos.layout import Text


def test_endpoints_come_from_the_descriptor_not_python_escpos_defaults():
    printer = FakePrinter(0x0416, 0x5011, "SN1", out_ep=0x03, in_ep=0x84)
    link = UsbLink(0x0416, 0x5011, backend=FakeBackend(printer))
    link.open()
    assert (link.out_ep, link.in_ep) == (0x03, 0x84)  # python-escpos would use 0x01 / 0x82
    link.write(b"\x10\x04\x04")
    assert link.read_byte(0.1) == 0x12
    assert link.read_byte(0.05) is None  # nothing more: a timeout is silence, not "paper ok"


def test_the_serial_number_picks_the_right_printer():
    a, b = FakePrinter(0x0416, 0x5011, "KIOSK1", address=5), FakePrinter(0x0416, 0x5011, "KIOSK2",
                                                                          address=6)
    backend = FakeBackend(a, b)
    link = link_for(parse_link("usb:0416:5011:KIOSK2"), baud=19200, usb_backend=backend)
    driver = EscposPrinter(lambda: link)
    assert driver.print(Encoder().encode([Text("第二台")])).condition == "ok"
    assert [t.text for t in b.tickets] == ["第二台"] and a.tickets == []


def test_unplug_is_unreachable_and_replug_prints_again_without_a_restart():
    printer = FakePrinter(0x0416, 0x5011, "SN1")
    backend = FakeBackend(printer)
    driver = EscposPrinter(lambda: link_for(parse_link("usb:0416:5011"), baud=19200,
                                            usb_backend=backend), status_timeout=0.05)
    job = Encoder().encode([Text("A001", 4, 4)])
    assert driver.poll().condition == "ok"
    printer.condition = "paper_near_end"
    assert driver.poll().condition == "paper_near_end"  # near end still prints
    printer.unplug()
    status = driver.print(job)
    assert status.condition == "unreachable" and "link failed" in status.detail
    assert driver.poll().condition == "unreachable"  # not on the bus: cannot be opened
    printer.plug()  # a new device: the old handle would raise forever, so it was dropped
    printer.condition = "ok"
    assert driver.print(job).condition == "ok"
    assert [t.text for t in printer.tickets] == ["A001"]


def test_paper_out_over_usb_is_told_apart_from_silence():
    printer = FakePrinter(0x0416, 0x5011, "SN1")
    driver = EscposPrinter(lambda: UsbLink(0x0416, 0x5011, backend=FakeBackend(printer)),
                           status_timeout=0.05)
    printer.condition = "paper_out"
    assert driver.poll().condition == "paper_out"
    printer.condition = "unreachable"  # powered but not answering: reads time out
    status = driver.poll()
    assert status.condition == "unreachable" and "no reply" in status.detail
