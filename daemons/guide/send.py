"""A guide file to the guide daemon over the bus: indexed for pinyin search, in parts that
fit the bus, each retried under its own id; the last swaps the whole guide in."""

from __future__ import annotations

import json
import secrets

from hallkit.bus.client import BusClient
from hallkit.bus.retry import request_retrying
from hallkit.contract.envelope import MAX_PAYLOAD
from hallkit.contract.topics import Topics
from hallkit.daemons.guide.contract import COMPONENT
from hallkit.daemons.guide.guidefile import GuideFile
from hallkit.daemons.guide.index import indexed

PART_BYTES = MAX_PAYLOAD // 2  # room for the envelope, and JSON's escapes
PART_ITEMS = 200


class ImportRefused(Exception):
    pass


def parts(guide: GuideFile) -> list[dict]:
    """The import's parts: the departments in the first, then items up to PART_BYTES each."""
    items = [indexed(item).model_dump(mode="json", exclude_none=True) for item in guide.items]
    out: list[dict] = [{"departments": [d.model_dump(mode="json") for d in guide.departments],
                        "items": []}]
    size = len(json.dumps(out[0], ensure_ascii=False).encode())
    for item in items:
        item_size = len(json.dumps(item, ensure_ascii=False).encode()) + 1
        if item_size > PART_BYTES:
            raise ImportRefused(f"item {item['id']} is {item_size} bytes, over the {PART_BYTES} a part holds")
        if size + item_size > PART_BYTES or len(out[-1]["items"]) >= PART_ITEMS:
            out.append({"items": []})
            size = 20
        out[-1]["items"].append(item)
        size += item_size
    return out


async def send_guide(bus: BusClient, hall: str, guide: GuideFile) -> dict:
    topic = Topics(hall, COMPONENT).cmd("guide-import")
    todo = parts(guide)
    import_id = secrets.token_hex(8)
    for n, part in enumerate(todo, start=1):
        data = {"import_id": import_id, "part": n, "parts": len(todo), **part}
        reply = await request_retrying(bus, topic, data)
        if reply.status != "ok":
            raise ImportRefused(f"{reply.error.code}: {reply.error.message}")
    if not reply.data["complete"]:
        raise ImportRefused(f"the guide daemon still misses {reply.data['parts_missing']} part(s)")
    return reply.data
