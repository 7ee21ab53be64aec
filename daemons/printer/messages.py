"""What people are told about printers and print jobs: the console, hallctl status, the kiosk."""

from __future__ import annotations

CONDITION_WORDS = {  # a printer's condition, as a person says it
    "ok": ("正常", "ready"),
    "paper_near_end": ("纸将用完", "paper near end"),
    "paper_out": ("缺纸", "out of paper"),
    "cover_open": ("纸仓盖未关", "cover open"),
    "offline": ("打印机脱机", "printer offline"),
    "unreachable": ("打印机无响应", "printer not answering"),
}

FAILED_MESSAGES = {  # what the kiosk tells the citizen; the ticket itself is valid either way
    "not_printed": ("打印机{problem}，未能打印号票。您的号码 {number} 已有效，请记下号码或扫码获取。",
                    "The printer is {problem_en}: no paper ticket. Your number {number} is valid; "
                    "please note it or scan the code."),
    "expired": ("号票未能及时打印，已取消打印。您的号码 {number} 仍然有效。",
                "The ticket could not be printed in time and will not be printed. "
                "Your number {number} is still valid."),
    "printed": ("请取走号票", "Please take your ticket"),
}
