"""A rating tablet's side of the bus, for the rating daemon: which channel its ratings
come on, and what it may show (a tablet shows the reason list for a bad rating)."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field

from hallkit.plugins.family import Options


class TabletOptions(Options):
    shows_clerk: bool = Field(True, description="show the serving clerk's name and number while serving")


@dataclass(frozen=True)
class TabletChannel:
    """How the rating daemon files a rating this device sent."""

    channel: str = "tablet"
    shows_reasons: bool = True
