"""A case (办件) as a kiosk shows it, and the words approval systems use for its status."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from hallkit.contract.spec import Body

CASE_NO = r"^[0-9A-Za-z][0-9A-Za-z-]{3,39}$"  # 办件编号 as printed on the receipt (and its barcode)

Status = Literal["accepted", "in_progress", "needs_more", "ready", "done", "collected", "rejected",
                 "withdrawn"]
Pickup = Literal["window", "locker", "post"]
Line = Annotated[str, StringConstraints(min_length=1, max_length=200)]

# What county approval systems write in their status column, as one of ours.
STATUS_WORDS: dict[str, str] = {
    "已受理": "accepted", "受理": "accepted", "已接件": "accepted", "收件": "accepted",
    "办理中": "in_progress", "审查中": "in_progress", "审核中": "in_progress", "审批中": "in_progress",
    "在办": "in_progress", "承办": "in_progress",
    "待补正": "needs_more", "补正": "needs_more", "补齐补正": "needs_more", "需补正": "needs_more",
    "待领取": "ready", "已办结待领取": "ready", "办结待领取": "ready", "待取件": "ready",
    "已办结": "done", "办结": "done",
    "已领取": "collected", "已送达": "collected", "已取件": "collected",
    "不予受理": "rejected", "不予许可": "rejected", "退件": "rejected", "已退回": "rejected",
    "已撤回": "withdrawn", "撤件": "withdrawn", "撤回": "withdrawn",
}
PICKUP_WORDS: dict[str, str] = {
    "窗口": "window", "窗口领取": "window", "现场领取": "window",
    "自助柜": "locker", "自助柜领取": "locker", "智能柜": "locker", "24小时自助柜": "locker",
    "信包箱": "locker", "邮寄": "post", "快递": "post", "邮寄送达": "post", "EMS": "post",
}


def status_of(word: str) -> str | None:
    word = word.strip()
    if word in STATUS_WORDS.values():
        return word
    return STATUS_WORDS.get(word)


def pickup_of(word: str) -> str | None:
    word = word.strip()
    if word in PICKUP_WORDS.values():
        return word
    return PICKUP_WORDS.get(word)


def split_list(text: str) -> list[str]:
    """A cell listing several things (材料一；材料二 / 1.… 2.…) as a list."""
    parts = re.split(r"[；;\n]|(?:^|\s)\d+[.、]", text)
    return [p.strip(" ，,。") for p in parts if p.strip(" ，,。")]


class CaseView(Body):
    """One case as a kiosk shows it: the applicant's name masked, no ID or phone number."""

    case_no: str = Field(pattern=CASE_NO, max_length=40)
    item: str = Field(max_length=100, description="the service item applied for (事项名称)")
    applicant_masked: str = Field(max_length=30, description="e.g. 张*三")
    status: Status = Field(description=", ".join(Status.__args__))
    stage: str = Field("", max_length=100, description="the step it is at (当前环节)")
    next_step: str = Field("", max_length=300, description="what the applicant does next")
    to_bring: list[Line] = Field(default_factory=list, max_length=20, description=(
        "what to bring when coming back (needs_more: the missing papers)"))
    due_date: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$", description="承诺办结日期")
    pickup: Pickup | None = Field(None, description=(
        "where the result is collected: a window, a 24-hour locker (with the code sent by SMS), "
        "or by post"))
    pickup_place: str = Field("", max_length=100, description="e.g. 3号窗口, or a tracking number")
    updated_at: str = Field("", max_length=19, description="when the approval system last changed it")
