"""The messages every lock board codec decodes to, and what a request expects back."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Expect:
    """What a request waits for: the reply that frames it (a board's reply carries no length,
    and a reply's first bytes may pass as a shorter frame: see lockboard-8a80.md)."""

    kind: str   # "open", "lock" (one lock's state), "board" (every lock's state), "ack"
    board: int
    lock: int = 0


@dataclass(frozen=True)
class BoardState:
    """Every lock of a board: which stand open (1-based lock numbers); ``occupied``: what
    an infrared sensor sees inside (None: the board has none)."""

    board: int
    open: frozenset[int]
    occupied: frozenset[int] | None = None


@dataclass(frozen=True)
class LockState:
    """One lock's state: the reply to an open (taken right after the pulse) or to a query."""

    board: int
    lock: int
    open: bool
    to_open: bool = False  # the answer to an open command


@dataclass(frozen=True)
class Report:
    """A board telling of a change by itself (8A/80 boards with option ``reports``)."""

    board: int
    lock: int
    open: bool


@dataclass(frozen=True)
class Ack:
    board: int
