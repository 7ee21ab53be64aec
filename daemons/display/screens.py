"""What a window display shows for its window's state (pure)."""

from __future__ import annotations

from hallkit.display import Screen

WELCOME = "欢迎光临"


def screen_for(mode: str, ticket: str | None, label: str, *, calling: bool, blink_s: int = 10,
               brightness: int = 8, welcome: str = WELCOME) -> Screen:
    """``mode`` and ``ticket`` (its number) as the window's retained state says them. Only the
    calling screen carries blink seconds: the blink belongs to the call and nothing else."""
    common = {"blink_s": 0, "brightness": brightness}
    if mode == "serving" and ticket:
        if calling:
            return Screen("calling", f"请{ticket}号", label, blink_s=blink_s, brightness=brightness)
        return Screen("serving", f"{ticket}号", "正在办理", **common)
    if mode == "paused":
        return Screen("paused", "暂停服务", label, **common)
    if mode == "idle":
        return Screen("idle", welcome, label, **common)
    return Screen("closed", label, "暂停办理", **common)
