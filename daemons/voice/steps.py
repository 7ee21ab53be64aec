"""What a kiosk says in elderly mode, step by step: fixed sentences (made once by espeak-ng
and kept), and the ticket's number and the people ahead from the clip bank."""

from __future__ import annotations

from hallkit.daemons.voice.phrases import ticket_zh, zh_number

STEP_TEXTS = {
    "home": "请选择要办理的业务，点击屏幕上的大按钮",
    "id": "请把身份证放在读卡器上，放好后不要移动",
    "checkin": "请扫描预约二维码，或把身份证放在读卡器上",
    "cases": "请扫描受理回执上的条码，或把身份证放在读卡器上",
    "phone": "请输入办件时预留手机号码的后四位",
    "refused": "未能办理，请看屏幕上的说明，或咨询工作人员",
}


def step_parts(step: str, number: str | None = None, ahead: int | None = None) -> list[tuple[str, object]]:
    """The step as ('text', sentence) and ('clips', names) parts, in the order said."""
    if step != "ticket":
        return [("text", STEP_TEXTS[step])]
    parts: list[tuple[str, object]] = [("text", "您的号码是"), ("clips", [*ticket_zh(number or "0", "digits"),
                                                                     "hao", "pause_short"])]
    if ahead:
        parts += [("text", "前面还有"), ("clips", zh_number(min(ahead, 999))), ("text", "人，请留意叫号")]
    else:
        parts += [("text", "前面没有人，请留意叫号")]
    return parts
