"""A service's two lanes: appointments and priority classes go in the priority lane,
everyone else in the normal one (selection.py says how they interleave)."""

from __future__ import annotations

LANE_APPOINTMENT, LANE_PRIORITY, LANE_NORMAL = 0, 1, 2
PRIORITY_LANES_SQL = f"lane <= {LANE_PRIORITY}"  # the lanes' SQL test (tickets.lane)
NORMAL_LANE_SQL = f"lane = {LANE_NORMAL}"


def is_priority(lane: int) -> bool:
    return lane <= LANE_PRIORITY
