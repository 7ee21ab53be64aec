"""What a clerk's key presses mean (pure: no bus, no hardware)."""

import pytest

from hallkit.daemons.keypad.keys import KeypadSession, QueueCommand, Show, StartRating, led_for


@pytest.fixture
def pad():
    return KeypadSession(window=3, services=["BDC", "ZX"], prefixes={"BDC": "A", "ZX": "H"},
                         digits_of={"BDC": 3, "ZX": 3}, hall_services=["BDC", "SB", "YB", "ZX"])


def keys(pad, *presses):
    out = []
    for p in presses:
        key, data = (p, b"") if isinstance(p, str) else p
        out += pad.press(key, data)
    return out


def test_single_keys_become_window_commands(pad):
    assert keys(pad, "call") == [QueueCommand("call-next", {"window": 3})]
    assert keys(pad, "recall") == [QueueCommand("recall", {"window": 3})]
    assert keys(pad, "end") == [QueueCommand("end", {"window": 3})]
    assert keys(pad, "pause") == [QueueCommand("pause", {"window": 3})]
    assert keys(pad, "rate") == [StartRating()]
    assert keys(pad, "hold") == [QueueCommand("hold", {"window": 3})]
    assert keys(pad, "no_show") == [QueueCommand("no-show", {"window": 3})]


def test_digits_show_as_typed_and_clear(pad):
    assert keys(pad, "1", "0", "0", "1") == [Show("1"), Show("10"), Show("100"), Show("1001")]
    assert keys(pad, "clear") == [Show("")]
    assert keys(pad, *"12345678")[-1] == Show("345678")  # the LED keeps the last six


def test_login_with_the_typed_clerk_number(pad):
    assert keys(pad, "0", "0", "7", "login")[-1] == QueueCommand("login", {"window": 3, "clerk": "007"})
    assert keys(pad, "login") == [Show("E-USR", beep=1)]


def test_a_clerk_with_a_pin_types_it_after_the_number_and_it_stays_off_the_led(pad):
    pad.ask_pin = True
    assert keys(pad, "1", "0", "0", "4", "login")[-1] == Show("PIN")
    assert keys(pad, "2", "4") == [Show("-"), Show("--")]
    assert keys(pad, "6", "8", "login")[-1] == QueueCommand(
        "login", {"window": 3, "clerk": "1004", "pin": "2468"})
    assert keys(pad, "1", "0", "0", "4", "login", "call") == [  # any other key gives it up
        Show("1"), Show("10"), Show("100"), Show("1004"), Show("PIN"),
        QueueCommand("call-next", {"window": 3})]
    assert keys(pad, "2", "4")[-1] == Show("24")  # typed digits show again
    assert led_for("login", "error", None, "forbidden") == Show("E-USR", beep=1)


def test_call_the_typed_number_tries_the_windows_services(pad):
    step = keys(pad, "1", "2", "call_typed")[-1]
    assert step == QueueCommand("call-number", {"window": 3, "number": "A012"},
                           ({"window": 3, "number": "H012"},))
    assert keys(pad, "call_typed") == [Show("E-NUM", beep=1)]


def test_transfer_to_a_window_or_a_service(pad):
    assert keys(pad, "transfer", "5", "transfer_typed")[-1] == \
        QueueCommand("transfer", {"window": 3, "to_window": 5})
    assert keys(pad, "transfer", "0", "2", "transfer_typed")[-1] == \
        QueueCommand("transfer", {"window": 3, "to_service": "SB"})
    assert keys(pad, "transfer", "0", "9", "transfer_typed")[-1] == Show("E-SVC", beep=1)
    assert pad.typed == "" and not pad.transfer_mode  # a finished sequence starts afresh


def test_what_the_led_shows_for_answers():
    assert led_for("call-next", "ok", {"number": "A012"}, None) == Show("A012")
    assert led_for("call-next", "error", None, "no_ticket") == Show("E-NOQ", beep=1)
    assert led_for("login", "ok", {"state": "idle"}, None) == Show("ON")
    assert led_for("pause", "ok", {"state": "paused"}, None) == Show("PAUSE")
    assert led_for("end", "ok", {"number": "A012"}, None) == Show("")
    assert led_for("recall", "error", None, "something_new") == Show("E-ERR", beep=1)
