"""A rating tablet's side of the bus, for the rating daemon: which channel its ratings
come on, and what it may show (a tablet shows the reason list for a bad rating)."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field

from hallkit.plugins.family import Options

CHANNEL = "tablet"  # what the rating record says it came on


class TabletOptions(Options):
    shows_clerk: bool = Field(True, description="show the serving clerk's name and number while serving")


@dataclass(frozen=True)
class TabletChannel:
    """The rating daemon does not drive a tablet: the tablet drives itself over the bus."""

    channel: str = CHANNEL
