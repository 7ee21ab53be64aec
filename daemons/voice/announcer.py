"""Which announcement is said next: one at a time, in the order the calls came; one for a
window that has called a newer ticket since is dropped, as is one that waited too long,
never said late."""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass, field

MAX_WAITING = 100  # a flood is cut here: the oldest go first (they would be too old anyway)


@dataclass
class Item:
    called_at: float
    number: str | None = None  # None: free text
    window: int | None = None
    recall: int = 0
    text: str | None = None
    seq: int = field(default=0, compare=False)


class Announcer:
    def __init__(self, max_age_s: float) -> None:
        self.max_age_s = max_age_s
        self.waiting: deque[Item] = deque()
        self.newest: dict[int, int] = {}  # window → seq of its newest call
        self._seq = itertools.count(1)

    def add(self, item: Item) -> list[tuple[Item, str]]:
        """Queue ``item``; returns what a full queue had to drop."""
        item.seq = next(self._seq)
        if item.window is not None:
            self.newest[item.window] = item.seq
        self.waiting.append(item)
        dropped = []
        while len(self.waiting) > MAX_WAITING:
            dropped.append((self.waiting.popleft(), f"over {MAX_WAITING} announcements waiting"))
        return dropped

    def next(self, now: float) -> tuple[Item | None, list[tuple[Item, str]]]:
        """The next to say (None: nothing), and those dropped on the way to it."""
        dropped = []
        while self.waiting:
            item = self.waiting.popleft()
            if item.window is not None and self.newest.get(item.window, 0) > item.seq:
                dropped.append((item, f"window {item.window} has called a newer ticket"))
            elif now - item.called_at > self.max_age_s:
                dropped.append((item, f"waited {now - item.called_at:.0f} s, over {self.max_age_s:g} s"))
            else:
                return item, dropped
        return None, dropped
