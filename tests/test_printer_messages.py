"""Every sentence about a printer or a print job, with its exact text."""

from __future__ import annotations

import pytest

from hallkit.daemons.printer.messages import CONDITION_WORDS, job_words, printer_state_words

NOT_PRINTED = {
    "paper_out": "打印机缺纸，未能打印号票。您的号码 A017 已有效，请记下号码或扫码获取。",
    "cover_open": "打印机纸仓盖未关，未能打印号票。您的号码 A017 已有效，请记下号码或扫码获取。",
    "offline": "打印机脱机，未能打印号票。您的号码 A017 已有效，请记下号码或扫码获取。",
    "feed_button": "打印机正在走纸，未能打印号票。您的号码 A017 已有效，请记下号码或扫码获取。",
    "cutter_error": "打印机切刀故障，未能打印号票。您的号码 A017 已有效，请记下号码或扫码获取。",
    "unrecoverable_error": "打印机故障需维修，未能打印号票。您的号码 A017 已有效，请记下号码或扫码获取。",
    "unreachable": "打印机无响应，未能打印号票。您的号码 A017 已有效，请记下号码或扫码获取。",
}


@pytest.mark.parametrize("condition", sorted(NOT_PRINTED))
def test_a_ticket_not_printed_says_why_once_and_keeps_the_number(condition):
    zh, en = job_words("not_printed", condition, "A017")
    assert zh == NOT_PRINTED[condition]  # once "打印机打印机脱机"
    assert en == (f"No paper ticket (printer {CONDITION_WORDS[condition][1]}). "
                  "Your number A017 is valid; please note it or scan the code.")


def test_the_other_ticket_outcomes():
    assert job_words("printed", "ok", "A017") == ("请取走号票", "Please take your ticket")
    assert job_words("expired", "paper_out", "A017") == (
        "号票未能及时打印，已取消打印。您的号码 A017 仍然有效。",
        "The ticket could not be printed in time and will not be printed. "
        "Your number A017 is still valid.")


def test_a_test_page_has_no_number_to_leave_blank():
    assert job_words("not_printed", "offline", None) == (
        "测试页未能打印（打印机脱机）", "Test page not printed (printer offline)")
    assert job_words("printed", "ok", None) == ("测试页已打印", "Test page printed")
    assert job_words("expired", "paper_out", None) == (
        "测试页未能及时打印，已取消", "Test page not printed in time; cancelled")


def test_a_printers_state_in_words():
    assert [printer_state_words(c)[0] for c in CONDITION_WORDS] == [
        "打印机正常", "打印机纸将用完", "打印机缺纸", "打印机纸仓盖未关", "打印机正在走纸", "打印机切刀故障",
        "打印机故障需维修", "打印机脱机", "打印机无响应"]
    assert printer_state_words("unreachable")[1] == "printer not answering"
