"""DLE EOT replies decoded: every condition, the paper-end-first rule, garbage and silence."""

from __future__ import annotations

import pytest

from hallkit.drivers.escpos.status import (
    CONDITIONS,
    ERROR_CAUSE,
    OFFLINE_CAUSE,
    PAPER_SENSOR,
    PRINTER_STATUS,
    classify,
    is_status_byte,
    needs_error_cause,
    reply_for,
)


def replies(online=0x12, cause=0x12, paper=0x12):
    return {PRINTER_STATUS: online, OFFLINE_CAUSE: cause, PAPER_SENSOR: paper}


@pytest.mark.parametrize(("online", "cause", "paper", "condition"), [
    (0x12, 0x12, 0x12, "ok"),
    (0x16, 0x12, 0x12, "ok"),  # bit 2 of 10 04 01 is the drawer pin, not a fault
    (0x12, 0x12, 0x1E, "paper_near_end"),  # both near-end bits
    (0x12, 0x12, 0x16, "paper_near_end"),  # one near-end bit is enough
    (0x1A, 0x32, 0x72, "paper_out"),  # an empty printer answers 72 …
    (0x1A, 0x32, 0x7E, "paper_out"),  # … or 7E: paper end wins over near end
    (0x12, 0x12, 0x32, "paper_out"),  # one paper-end bit is enough (python-escpos wants both)
    (0x1A, 0x32, 0x12, "paper_out"),  # stopped for paper end, sensor not yet saying so
    (0x1A, 0x16, 0x12, "cover_open"),
    (0x1A, 0x36, 0x7E, "paper_out"),  # cover open with no paper: paper first
    (0x1A, 0x1A, 0x12, "feed_button"),  # feed button held
    (0x1A, 0x12, 0x12, "offline"),  # offline, no cause given
])
def test_conditions(online, cause, paper, condition):
    assert classify(replies(online, cause, paper)).condition == condition


@pytest.mark.parametrize("garbage", [0x00, 0xFF, 0x13, 0x92, 0x41, 0x10])
def test_a_byte_without_the_status_pattern_is_not_a_reply(garbage):
    assert not is_status_byte(garbage)
    status = classify(replies(paper=garbage))
    assert status.condition == "unreachable" and f"0x{garbage:02X}" in status.detail


def test_silence_is_unreachable_never_paper_ok():
    status = classify({PRINTER_STATUS: 0x12, OFFLINE_CAUSE: None})
    assert status.condition == "unreachable" and "no reply to 10 04 02" in status.detail
    assert classify({}).condition == "unreachable"


@pytest.mark.parametrize(("error", "condition", "detail"), [
    (0x1A, "cutter_error", ""),           # DLE EOT 3 bit 3
    (0x32, "unrecoverable_error", ""),    # bit 5
    (0x3A, "unrecoverable_error", ""),    # both: the unrecoverable one is what matters
    (0x12, "offline", "recoverable error"),
    (None, "offline", "error; no readable error cause"),
    (0xFF, "offline", "error; no readable error cause"),
])
def test_an_error_is_told_apart_by_dle_eot_3(error, condition, detail):
    got = replies(0x1A, 0x52, 0x12)  # offline, and the offline cause says: error
    assert needs_error_cause(got)
    status = classify({**got, ERROR_CAUSE: error})
    assert (status.condition, status.detail) == (condition, detail)


def test_dle_eot_3_is_asked_only_after_an_error():
    assert not needs_error_cause(replies(0x1A, 0x16, 0x12))  # cover open: no
    assert not needs_error_cause(replies(0x12, 0x52, 0x12))  # not offline: no
    assert not needs_error_cause({PRINTER_STATUS: 0x1A})     # no cause read


@pytest.mark.parametrize("condition", [c for c in CONDITIONS if c != "unreachable"])
def test_what_the_simulator_answers_reads_back_as_its_condition(condition):
    got = {req: reply_for(req[2], condition) for req in (PRINTER_STATUS, OFFLINE_CAUSE, PAPER_SENSOR)}
    if needs_error_cause(got):
        got[ERROR_CAUSE] = reply_for(3, condition)
    assert all(is_status_byte(v) for v in got.values())
    assert classify(got).condition == condition
    assert reply_for(1, "unreachable") is None
