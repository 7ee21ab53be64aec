"""FF 68 keypad codec: golden bytes from the protocol file, property tests, resync."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hallkit.drivers.ff68.codec import (
    DEFAULT_KEYMAP,
    Deduplicator,
    Frame,
    FrameError,
    StreamDecoder,
    check_keymap,
    encode,
    key_press,
    show,
    start_rating,
)

GOLDEN = [
    ("keypad 3 presses call next", Frame(3, 0x0C), "FF 68 02 02 68 03 0C 0F 16"),
    ("host shows A012 on keypad 3", show(3, "A012"),
     "FF 68 08 08 68 03 02 20 20 41 30 31 32 19 16"),
    ("host starts the rating pad on keypad 3", start_rating(3), "FF 68 03 03 68 03 04 01 08 16"),
    ("rating pad on keypad 3 reports 非常满意", Frame(3, 0x11, b"\x05"),
     "FF 68 03 03 68 03 11 05 19 16"),
]


@pytest.mark.parametrize("name,frame,hexes", GOLDEN, ids=[g[0] for g in GOLDEN])
def test_golden_bytes(name, frame, hexes):
    wire = bytes.fromhex(hexes)
    assert encode(frame) == wire
    assert StreamDecoder().feed(wire) == [frame]


def test_golden_frames_mean_what_the_protocol_says():
    assert key_press(Frame(3, 0x0C)).key == "call"
    assert key_press(Frame(3, 0x11, b"\x05")).rating_level == 5
    assert key_press(Frame(7, 0x0F, b"\x06")).name == "no_show"  # 确认 06: the no-show key
    assert key_press(Frame(7, 0x0F)) is None          # confirm needs its function byte
    assert key_press(Frame(7, 0x0C, b"\x01")) is None  # call carries no data
    assert key_press(Frame(7, 0x02, b"  A012")) is None  # an echo of a host command


frames = st.builds(Frame, st.integers(1, 254), st.integers(0, 255), st.binary(max_size=8))


@given(frames)
def test_decode_of_encode_is_identity(frame):
    assert StreamDecoder().feed(encode(frame)) == [frame]


@given(st.binary(max_size=300))
def test_random_bytes_never_raise(data):
    decoder = StreamDecoder()
    for i in range(0, len(data), 7):
        decoder.feed(data[i:i + 7])


@given(st.lists(st.tuples(st.binary(max_size=12).filter(lambda b: 0xFF not in b), frames),
                max_size=8), st.integers(1, 9))
def test_frames_survive_garbage_between_them_in_any_chunking(items, chunk):
    wire = b"".join(garbage + encode(frame) for garbage, frame in items)
    decoder, out = StreamDecoder(), []
    for i in range(0, len(wire), chunk):
        out += decoder.feed(wire[i:i + chunk])
    assert out == [frame for _, frame in items]


def test_resync_after_a_cut_frame_and_a_bad_checksum():
    good = encode(Frame(3, 0x0C))
    bad_checksum = bytes.fromhex("FF 68 02 02 68 03 0C 10 16")
    decoder = StreamDecoder()
    assert decoder.feed(good[:6] + bad_checksum + b"\x00\x13" + good) == [Frame(3, 0x0C)]
    assert decoder.errors["checksum"] >= 1 and decoder.errors["garbage"] >= 1


def test_mismatched_lengths_and_absurd_lengths_resync():
    decoder = StreamDecoder()
    wire = bytes.fromhex("FF 68 02 03 68 03 0C 0F 16") + bytes.fromhex("FF 68 F0 F0 68 01")
    assert decoder.feed(wire + encode(Frame(4, 0x14))) == [Frame(4, 0x14)]
    assert decoder.errors["header"] == 2


def test_led_text_rules():
    assert show(1, "").data == b"      "
    assert show(1, "12").data == b"    12"
    with pytest.raises(FrameError, match="up to 6"):
        show(1, "A001234")
    with pytest.raises(FrameError):
        show(1, "号码")


def test_keymap_check():
    assert check_keymap({"call": 0x20}) == []
    assert check_keymap({"confirm": 0x03, "3": 0x23}) == [
        "key 'confirm' carries data and may not use host command code 0x03"]
    assert check_keymap({"cal": 0x20}) == ["unknown key 'cal'"]
    assert check_keymap({"call": DEFAULT_KEYMAP["end"]}) == ["two keys share a code"]
    assert key_press(Frame(2, 0x20), {"call": 0x20}).key == "call"


def test_resends_are_acted_on_once_digits_always():
    dedup = Deduplicator()
    call = Frame(3, 0x0C)
    assert [dedup.act(call, "call", t) for t in (0.0, 0.3, 0.6, 0.9)] == [True, False, False, False]
    assert dedup.act(call, "call", 1.6) is True                       # a new press
    assert dedup.act(Frame(4, 0x0C), "call", 1.7) is True             # another keypad
    digit = Frame(3, 0x01)
    assert [dedup.act(digit, "1", t) for t in (2.0, 2.1)] == [True, True]
