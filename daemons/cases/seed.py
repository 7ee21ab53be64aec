"""`hallctl up` imports the export named by ``[cases] seed_csv`` (the demo's sample cases)."""

from __future__ import annotations

from pathlib import Path

from hallkit.daemons.cases.csvfile import read_export
from hallkit.daemons.cases.send import send_rows


async def seed(cfg, bus, config_dir: Path) -> str | None:
    settings = cfg.section("cases")
    if not settings.seed_csv or settings.source != "local":
        return None
    path = config_dir / settings.seed_csv
    rows, _ = read_export(path)
    totals = await send_rows(bus, cfg.hall.id, rows)
    return f"cases: {path.name}: {totals['added']} added, {totals['updated']} updated"
