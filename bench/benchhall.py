"""The benchmark halls' common part: open around the clock, no authentication."""

from __future__ import annotations

from pathlib import Path

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def hall_header(storage: Path, port: int, services: list[str], digits: int) -> str:
    hours = "\n".join(f'{d} = ["00:00-24:00"]' for d in DAYS)
    text = f'''storage_dir = "{storage}"
[hall]
id = "bench"
name_zh = "基准大厅"
name_en = "Benchmark hall"
[hall.opening_hours]
{hours}
[bus]
port = {port}
auth = false
'''
    for i, code in enumerate(services):
        text += (f'[[services]]\ncode = "{code}"\nprefix = "{chr(65 + i)}"\nname_zh = "{code}"\n'
                 f'name_en = "{code}"\nnumber_digits = {digits}\n')
    return text
