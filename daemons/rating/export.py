"""A day's ratings as files: CSV in UTF-8 with a BOM (Excel in China expects it) and JSON
lines, the fields of the 好差评 record. Times are local with their offset; the clerk is
named by number only; the rater by a masked phone, if they left one."""

from __future__ import annotations

import csv
import json
import os
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from hallkit.daemons.rating.contract import LEVELS

FIELDS = ("rating_id", "ticket_id", "case_id", "hall", "service_code", "service_name", "window", "clerk_id",
          "channel", "level", "level_name", "attitude", "efficiency", "skill", "reasons", "comment", "rater",
          "rated_at", "service_started_at", "service_ended_at", "follow_up_state", "follow_up_owner",
          "follow_up_deadline", "follow_up_answer")


def records(lines: list[tuple], hall: str, zone: ZoneInfo) -> list[dict]:
    def when(ts: float | None) -> str | None:
        return None if ts is None else datetime.fromtimestamp(ts, zone).isoformat(timespec="seconds")

    out = []
    for (rid, ticket, _number, service, name, window, clerk, channel, level, subs, reasons, comment, rater,
         rated_at, started, ended, f_state, f_owner, f_deadline, f_answer) in lines:
        subs = json.loads(subs) if subs else {}
        out.append({
            "rating_id": rid, "ticket_id": ticket, "case_id": None, "hall": hall, "service_code": service,
            "service_name": name, "window": window, "clerk_id": clerk, "channel": channel, "level": level,
            "level_name": LEVELS[level][0] if level else "未评价", "attitude": subs.get("attitude"),
            "efficiency": subs.get("efficiency"), "skill": subs.get("skill"), "reasons": json.loads(reasons),
            "comment": comment, "rater": rater, "rated_at": when(rated_at),
            "service_started_at": when(started), "service_ended_at": when(ended),
            "follow_up_state": f_state, "follow_up_owner": f_owner, "follow_up_deadline": f_deadline,
            "follow_up_answer": f_answer})
    return out


def write_day(folder: Path, day: date, rows: list[dict]) -> tuple[Path, Path]:
    """Both files, each written whole beside its final name and then renamed into place."""
    folder.mkdir(parents=True, exist_ok=True)
    csv_path, jsonl_path = folder / f"ratings-{day}.csv", folder / f"ratings-{day}.jsonl"
    tmp = csv_path.with_suffix(".csv.part")
    with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, FIELDS)
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "reasons": "；".join(row["reasons"])})
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(csv_path)
    tmp = jsonl_path.with_suffix(".jsonl.part")
    with open(tmp, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(jsonl_path)
    return csv_path, jsonl_path
