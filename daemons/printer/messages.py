"""What people are told about printers and print jobs: the console, hallctl status, the kiosk.

Every sentence a citizen or a technician reads is built here, and each has a test
with its exact text (tests/test_printer_messages.py).
"""

from __future__ import annotations

CONDITION_WORDS = {  # a printer's condition, after "打印机" / "printer: "
    "ok": ("正常", "ready"),
    "paper_near_end": ("纸将用完", "paper near end"),
    "paper_out": ("缺纸", "out of paper"),
    "cover_open": ("纸仓盖未关", "cover open"),
    "feed_button": ("正在走纸", "feeding paper (feed button held)"),
    "cutter_error": ("切刀故障", "cutter jammed"),
    "unrecoverable_error": ("故障需维修", "failed, needs service"),
    "offline": ("脱机", "offline"),
    "unreachable": ("无响应", "not answering"),
}


def printer_state_words(condition: str) -> tuple[str, str]:
    """A printer's condition for hallctl status and the console, e.g. 打印机缺纸."""
    zh, en = CONDITION_WORDS[condition]
    return f"打印机{zh}", f"printer {en}"


def job_words(outcome: str, condition: str, number: str | None, receipt: bool = False) -> tuple[str, str]:
    """What the kiosk tells the citizen about their ticket (``number``) or drop-off receipt,
    or the technician about a test page (no number). A ticket is valid whether or not its
    paper came out."""
    zh, en = CONDITION_WORDS[condition]
    if receipt:
        return {
            "printed": ("请取走回执", "Please take your receipt"),
            "not_printed": (f"打印机{zh}，未能打印回执。请记下回执号 {number}。",
                            f"No paper receipt (printer {en}). Please note the receipt number {number}."),
            "expired": (f"回执未能及时打印。请记下回执号 {number}。",
                        f"The receipt could not be printed in time. Please note the number {number}."),
        }[outcome]
    if number is None:
        return {
            "printed": ("测试页已打印", "Test page printed"),
            "not_printed": (f"测试页未能打印（打印机{zh}）", f"Test page not printed (printer {en})"),
            "expired": ("测试页未能及时打印，已取消", "Test page not printed in time; cancelled"),
        }[outcome]
    return {
        "printed": ("请取走号票", "Please take your ticket"),
        "not_printed": (f"打印机{zh}，未能打印号票。您的号码 {number} 已有效，请记下号码或扫码获取。",
                        f"No paper ticket (printer {en}). Your number {number} is valid; "
                        "please note it or scan the code."),
        "expired": (f"号票未能及时打印，已取消打印。您的号码 {number} 仍然有效。",
                    f"The ticket could not be printed in time and will not be printed. "
                    f"Your number {number} is still valid."),
    }[outcome]
