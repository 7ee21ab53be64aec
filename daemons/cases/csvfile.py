"""An approval system's case export (CSV) as import rows, or every problem with its line.

County approval systems (审批系统) export from Excel: UTF-8 with or without a BOM, or GB18030
(Excel's "CSV" on a Chinese Windows). The header names the columns in Chinese; the English
names are accepted too. Other columns are left out (exports carry dozens). docs/kiosk.md
lists the columns; config/demo-cases.csv is a sample.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from hallkit.daemons.cases.contract import CaseRow
from hallkit.daemons.cases.records import CASE_NO, pickup_of, split_list, status_of

# field: (Chinese header, required)
COLUMNS: dict[str, tuple[str, bool]] = {
    "case_no": ("办件编号", True),
    "item": ("事项名称", True),
    "applicant": ("申请人", True),
    "id_number": ("证件号码", True),  # a resident ID; other papers: found by case number only
    "phone": ("联系电话", True),
    "status": ("办理状态", True),
    "stage": ("当前环节", False),
    "next_step": ("下一步", False),
    "to_bring": ("需携带材料", False),
    "due_date": ("承诺办结日期", False),
    "pickup": ("领取方式", False),
    "pickup_place": ("领取地点", False),
    "updated_at": ("更新时间", False),
}
HEADERS = {zh: field for field, (zh, _) in COLUMNS.items()} | {field: field for field in COLUMNS}
MAX_PROBLEMS = 20


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.column}: {self.message}" if self.line else \
            f"{self.column}: {self.message}"


class ExportError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


def decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ExportError([Problem(0, "(file)", "neither UTF-8 nor GB18030 text")])


def read_export(path: Path) -> tuple[list[CaseRow], list[str]]:
    """The rows, and the columns left out; ExportError lists the first problems found."""
    return parse_export(decode(path.read_bytes()))


def parse_export(text: str) -> tuple[list[CaseRow], list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header:
        raise ExportError([Problem(0, "(file)", "empty: no header line")])
    names = [HEADERS.get(h.strip()) for h in header]
    missing = [f"{zh} ({field})" for field, (zh, required) in COLUMNS.items()
               if required and field not in names]
    if missing:
        raise ExportError([Problem(1, "header", f"missing column {m}") for m in missing])
    left_out = [h.strip() for h, n in zip(header, names, strict=True) if n is None]
    rows, problems, seen = [], [], {}
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            problems.append(Problem(line, "(row)", f"{len(values)} cells, the header has {len(header)}"))
            continue
        cells = {n: v.strip() for n, v in zip(names, values, strict=True) if n is not None}
        row, row_problems = _row(cells, line)
        problems.extend(row_problems)
        if row is not None:
            if row.case_no.upper() in seen:
                problems.append(Problem(line, COLUMNS["case_no"][0], f"{row.case_no} also on line "
                                        f"{seen[row.case_no.upper()]}"))
            seen[row.case_no.upper()] = line
            rows.append(row)
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise ExportError(problems[:MAX_PROBLEMS])
    return rows, left_out


def _row(cells: dict[str, str], line: int) -> tuple[CaseRow | None, list[Problem]]:
    problems = []

    def bad(field: str, message: str) -> None:
        problems.append(Problem(line, COLUMNS[field][0], message))

    status = status_of(cells["status"])
    if status is None:
        bad("status", f"unknown status {cells['status']!r} (known: 已受理, 办理中, 待补正, 待领取, "
            "已办结, 已领取, 不予受理, 已撤回, …)")
    pickup = None
    if cells.get("pickup"):
        pickup = pickup_of(cells["pickup"])
        if pickup is None:
            bad("pickup", f"unknown way {cells['pickup']!r} (窗口, 自助柜 or 邮寄)")
    phone = re.sub(r"\D", "", cells["phone"])
    if len(phone) < 7:
        bad("phone", "not a phone number")
    due = _date(cells.get("due_date", ""))
    if due is False:
        bad("due_date", f"{cells['due_date']!r} is not a date (2026-12-04)")
    updated = _time(cells.get("updated_at", ""))
    if updated is False:
        bad("updated_at", f"{cells['updated_at']!r} is not a time (2026-11-28 16:20)")
    if not re.fullmatch(CASE_NO, cells["case_no"]):
        bad("case_no", f"{cells['case_no'][:40]!r} is not a case number (4 to 40 letters, digits and -)")
    if problems:
        return None, problems
    try:
        row = CaseRow(case_no=cells["case_no"], item=cells["item"], applicant=cells["applicant"],
                      id_number=_resident_id(cells["id_number"]), phone_last4=phone[-4:],
                      status=status,
                      stage=cells.get("stage", ""), next_step=cells.get("next_step", ""),
                      to_bring=split_list(cells.get("to_bring", "")), due_date=due or None,
                      pickup=pickup, pickup_place=cells.get("pickup_place", ""),
                      updated_at=updated or "")
    except ValidationError as exc:
        for err in exc.errors():
            field = str(err["loc"][0])
            where = COLUMNS.get(field, (field,))[0]
            problems.append(Problem(line, where, err["msg"]))
        return None, problems
    return row, []


def _resident_id(text: str) -> str | None:
    """A resident ID number (checked later: a typo in one is an error); None for another paper
    (a company's credit code, a passport), whose case is then found by its number only."""
    number = text.strip().upper()
    return number if re.fullmatch(r"[0-9]{17}[0-9X]", number) else None


def _date(text: str) -> str | bool:
    """'' (none), the date as YYYY-MM-DD, or False."""
    if not text:
        return ""
    m = re.fullmatch(r"(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})日?", text)
    return f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}" if m else False


def _time(text: str) -> str | bool:
    if not text:
        return ""
    m = re.fullmatch(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?", text)
    if not m:
        return False
    day = f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}"
    if m[4] is None:
        return day
    return f"{day} {int(m[4]):02d}:{m[5]}" + (f":{m[6]}" if m[6] else "")
