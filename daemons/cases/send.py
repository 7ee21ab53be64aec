"""Cases to the cases daemon over the bus, a bounded number per request."""

from __future__ import annotations

from collections import Counter

from hallkit.bus.client import BusClient
from hallkit.bus.retry import request_retrying
from hallkit.contract.topics import Topics
from hallkit.daemons.cases.contract import COMPONENT, MAX_ROWS, CaseRow


class ImportRefused(Exception):
    pass


async def send_rows(bus: BusClient, hall: str, rows: list[CaseRow], chunk: int = MAX_ROWS) -> Counter:
    """Import ``rows``; each request is retried under its own id (done at most once). Rows
    before a refused request stay imported: an import is safe to run again."""
    topic = Topics(hall, COMPONENT).cmd("cases-import")
    totals: Counter = Counter()
    for start in range(0, len(rows), chunk):
        part = [r.model_dump(mode="json", exclude_none=True) for r in rows[start:start + chunk]]
        reply = await request_retrying(bus, topic, {"rows": part})
        if reply.status != "ok":
            raise ImportRefused(f"rows {start + 1}-{start + len(part)}: {reply.error.code}: "
                                f"{reply.error.message}")
        totals.update(reply.data)
    return totals
