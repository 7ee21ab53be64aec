import pytest

from hallkit.config.links import parse_link


@pytest.mark.parametrize("text,scheme,target,baud,fmt", [
    ("serial:/dev/serial/by-id/usb-FTDI_A1-if00-port0?baud=19200&format=8e1", "serial",
     "/dev/serial/by-id/usb-FTDI_A1-if00-port0", 19200, "8E1"),
    ("serial:/dev/ttyS1", "serial", "/dev/ttyS1", None, None),
    ("usb:0416:5011", "usb", "0416:5011", None, None),
    ("usb:0416:5011:SN42", "usb", "0416:5011:SN42", None, None),
    ("usb:04B8:0E15", "usb", "04b8:0e15", None, None),
    ("tcp:192.168.10.21:9100", "tcp", "192.168.10.21:9100", None, None),
    ("file:/dev/usb/lp0", "file", "/dev/usb/lp0", None, None),
    ("evdev:/dev/input/by-id/usb-Honeywell-event-kbd", "evdev", "/dev/input/by-id/usb-Honeywell-event-kbd",
     None, None),
    ("mqtt", "mqtt", "", None, None),
    ("sim://keypad-line-1", "sim", "keypad-line-1", None, None),
])
def test_links_parse(text, scheme, target, baud, fmt):
    link = parse_link(text)
    assert (link.scheme, link.target, link.baud, link.format) == (scheme, target, baud, fmt)
    assert str(link) == text


@pytest.mark.parametrize("text,message", [
    ("rs485:/dev/ttyS0", "unknown link type 'rs485'"),
    ("serial:/dev/ttyUSB0", "renumbered at boot"),
    ("serial:/dev/ttyACM3", "renumbered at boot"),
    ("serial:ttyS0", "needs a device path"),
    ("serial:/dev/ttyS0?baud=9601", "baud '9601' is not one of"),
    ("serial:/dev/ttyS0?format=9X1", "is not like 8N1"),
    ("serial:/dev/ttyS0?speed=9600", "unknown serial setting(s) speed"),
    ("usb:416:5011", "usb:VID:PID"),
    ("tcp:printer", "tcp:HOST:PORT"),
    ("tcp:10.0.0.1:70000", "tcp:HOST:PORT"),
    ("evdev:/dev/input/event3", "eventN is renumbered"),
    ("mqtt:hall/#", "wildcards"),
    ("sim://", "sim://NAME"),
])
def test_bad_links_say_what_to_write(text, message):
    with pytest.raises(ValueError, match=None) as info:
        parse_link(text)
    assert message in str(info.value)
