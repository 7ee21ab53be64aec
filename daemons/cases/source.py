"""Where cases come from: a source answers lookups; the local table is the default.

A hall that has its province's approval API plugs it in as an installed package that
declares ``[project.entry-points."hallkit.case_sources"] NAME = "module:Class"`` and sets
``[cases] source = "NAME"``. The class is built with the daemon's store and the
``[cases] source_options`` table. Its methods run in the cases daemon's loop, one lookup
at a time: a source that asks a remote system must bound its wait (a timeout in its
options, and answer within 3 s: a kiosk gives up after 5 s, and a source that hangs longer
holds up the cases daemon until its watchdog restarts it). No other daemon waits on it.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Protocol

from hallkit.daemons.cases.records import CaseView
from hallkit.keys import key_file
from hallkit.store import Store

GROUP = "hallkit.case_sources"


class CaseSource(Protocol):
    def by_number(self, case_no: str) -> CaseView | None:
        """The case with this number, or None."""

    def by_person(self, id_number: str, phone_last4: str) -> list[CaseView]:
        """The applicant's cases, newest first (at most 10)."""

    def count(self) -> int | None:
        """How many cases are held here (None: a remote source does not say)."""


class SourceError(Exception):
    """The source could not answer (a remote system down): the lookup is `unavailable`."""


def installed() -> dict:
    return {ep.name: ep for ep in entry_points(group=GROUP)}


def check_name(name: str) -> str:
    """``name`` if it is 'local' or an installed source, else a ValueError naming those."""
    found = installed()
    if name != "local" and name not in found:
        raise ValueError(f"case source {name!r} is not installed (installed: "
                         f"{', '.join(sorted(['local', *found]))})")
    return name


def open_source(name: str, store: Store, options: dict[str, Any], key_path: Path) -> CaseSource:
    if check_name(name) == "local":
        from hallkit.daemons.cases.local import LocalCases
        return LocalCases(store, key_file(key_path))
    return installed()[name].load()(store, options)
