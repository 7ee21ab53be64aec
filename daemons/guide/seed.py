"""`hallctl up` imports the guide named by ``[guide] seed_file`` (the demo's sample guide)."""

from __future__ import annotations

from pathlib import Path

from hallkit.daemons.guide.guidefile import read_guide
from hallkit.daemons.guide.send import send_guide


async def seed(cfg, bus, config_dir: Path) -> str | None:
    settings = cfg.section("guide")
    if not settings.seed_file:
        return None
    path = config_dir / settings.seed_file
    guide = read_guide(path, {s.code for s in cfg.services})
    done = await send_guide(bus, cfg.hall.id, guide)
    return f"guide: {path.name}: {done['items']} items in {len(guide.departments)} departments"
