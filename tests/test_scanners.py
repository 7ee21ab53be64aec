"""QR and barcode scanners: keyboard-wedge key events (constructed evdev InputEvents, the
device faked at /dev/input's boundary) and serial lines back into whole codes."""

from __future__ import annotations

import asyncio

from evdev import InputEvent, ecodes

from hallkit.drivers.scanner_hid.codes import ScanDecoder
from hallkit.drivers.scanner_serial.codec import LineDecoder, encode

SHIFTED = {c: f"KEY_{c}" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
PLAIN = {**{d: f"KEY_{d}" for d in "0123456789"}, "-": "KEY_MINUS", "/": "KEY_SLASH",
         ".": "KEY_DOT", ":": None}


def typed(text: str, gap: float = 0.004, start: float = 100.0) -> list[InputEvent]:
    """The key events a wedge scanner sends for ``text`` and Enter, ``gap`` seconds apart."""
    out, t = [], start

    def key(name: str, value: int) -> None:
        sec, usec = int(t), round((t - int(t)) * 1e6)
        out.append(InputEvent(sec, usec, ecodes.EV_KEY, ecodes.ecodes[name], value))

    for c in text:
        if c in SHIFTED or c == ":":
            key("KEY_LEFTSHIFT", 1)
            name = SHIFTED.get(c, "KEY_SEMICOLON")
        else:
            name = PLAIN[c] if c in PLAIN else f"KEY_{c.upper()}"
        key(name, 1)
        key(name, 0)
        if c in SHIFTED or c == ":":
            key("KEY_LEFTSHIFT", 0)
        t += gap
    key("KEY_ENTER", 1)
    key("KEY_ENTER", 0)
    return out


def decode(events, decoder=None) -> list[str]:
    decoder = decoder or ScanDecoder()
    return [code for e in events if (code := decoder.feed(e)) is not None]


def test_a_wedge_scan_is_decoded_with_its_shift_state():
    assert decode(typed("YY0123")) == ["YY0123"]
    assert decode(typed("https://gov.example/t/A012.x")) == ["https://gov.example/t/A012.x"]
    assert decode(typed("ab-12/Cd")) == ["ab-12/Cd"]


def test_a_person_typing_too_long_a_line_and_odd_keys_are_dropped_and_counted():
    decoder = ScanDecoder()
    assert decode(typed("YY0123", gap=0.4), decoder) == []  # slower than a scanner
    assert decode(typed("A" * 257), decoder) == []
    f1 = [InputEvent(200, 0, ecodes.EV_KEY, ecodes.KEY_F1, 1), *typed("12", start=200.001)]
    assert decode(f1, decoder) == []
    assert decoder.dropped == {"typed by hand": 6, "longer than 256 characters": 1,
                               "not printable ASCII": 1}
    assert decode(typed("OK1", start=300.0), decoder) == ["OK1"]  # the next scan is clean
    stray = [InputEvent(350, 0, ecodes.EV_KEY, ecodes.KEY_Q, 1), *typed("AB12", start=351.0)]
    assert decode(stray, decoder) == ["AB12"]  # a stray key long before does not spoil it
    repeat = typed("7", start=400.0)
    repeat.insert(1, InputEvent(400, 1000, ecodes.EV_KEY, ecodes.KEY_7, 2))  # auto-repeat
    assert decode(repeat, decoder) == ["7"]


def test_the_port_grabs_the_scanner_and_reports_whole_codes(run, monkeypatch):
    from hallkit.config.links import parse_link
    from hallkit.drivers.scanner_hid.port import HidScannerPort

    class FakeScanner:
        grabbed = False

        def grab(self):
            self.grabbed = True

        def close(self):
            pass

        async def async_read_loop(self):
            for event in typed("YY0123") + typed("CASE-2026-0042", start=101.0):
                yield event
            await asyncio.Event().wait()

    device = FakeScanner()
    monkeypatch.setattr("hallkit.drivers.hid.reader._evdev_open", lambda path: device)
    scans, states = [], []

    async def scenario():
        port = HidScannerPort(None, parse_link("evdev:/dev/input/by-id/usb-Scanner-event-kbd"),
                              {"scanner-1": None}, lambda dev, code: scans.append((dev, code)),
                              lambda dev, up, why: states.append((dev, up)))
        task = asyncio.create_task(port.run())
        while len(scans) < 2:
            await asyncio.sleep(0.01)
        task.cancel()

    run(scenario())
    assert scans == [("scanner-1", "YY0123"), ("scanner-1", "CASE-2026-0042")]
    assert device.grabbed and states == [("scanner-1", True)]


def test_serial_lines_end_with_cr_and_bad_ones_are_dropped():
    decoder = LineDecoder()
    assert decoder.feed(encode("YY0123")) == ["YY0123"]
    assert decoder.feed(b"AB") == [] and decoder.feed(b"C\r\n") == ["ABC"]  # split, and CR LF
    assert decoder.feed(b"LF-only\n") == ["LF-only"]
    assert decoder.feed(b"X" * 300 + b"\r") == []
    assert decoder.feed(b"bad\x01byte\r") == []
    assert decoder.feed("二维码".encode() + b"\r") == []
    assert decoder.dropped == {"longer than 256 characters": 1, "not printable ASCII": 2}
    assert decoder.feed(b"noise", now=10.0) == [] and decoder.feed(b"YY01\r", now=12.0) == ["YY01"]
    assert decoder.dropped["a partial line that never ended"] == 1
