"""A rating tablet's side of the bus, for the rating daemon: the channel its ratings are
filed on. A tablet has no options: its window and reasons come from the bus (its setup)."""

from __future__ import annotations

from hallkit.plugins.family import Options

CHANNEL = "tablet"  # what the rating record says it came on


class TabletOptions(Options):
    """None: a tablet is set up from the bus."""
