"""Where a ticket stands in line: its place in the order the windows that can call it
would call, played out by the same rules as call-next (selection.py); the smallest
over those windows is what the ticket, the kiosk and the QR page say ("people ahead").

A new ticket is the newest of the day, so its place has a closed form (no play-out
on the issue path): at a window it comes after the tickets transferred to that
window, after every ticket of the window's other services (longest-waiting order:
they all waited longer) or of the services listed before its own (service order),
and after the tickets its own service's lane rule puts first. Any other ticket's
place is played out in full (selection.upcoming), which is what the clerk's next-list
shows. Windows with the same services and calling order play out alike: one each.
"""

from __future__ import annotations

from hallkit.config.model import HallConfig
from hallkit.daemons.queue import selection

Groups = dict[tuple[tuple[str, ...], str], list[int]]  # (services, call order) -> windows


def place_in_service(priority: bool, prio_ahead: int, normal_ahead: int, since: int, ratio: int) -> int:
    """How many of its service's untargeted tickets are called before the newest one, by
    the lane rule: a priority ticket after every ``ratio`` normal ones (the first after
    ``ratio - since``); ``*_ahead`` count the waiting tickets of each lane besides it."""
    first = max(0, ratio - since)  # normal tickets called before the next priority one
    if priority:  # the last of the priority lane: after all of it, and the normals between
        normals = prio_ahead * ratio + first if ratio else 0
        return prio_ahead + min(normal_ahead, normals)
    if ratio == 0:
        return normal_ahead + prio_ahead
    prios = 0 if normal_ahead < first else 1 + (normal_ahead - first) // ratio
    return normal_ahead + min(prio_ahead, prios)


def window_groups(cfg: HallConfig, service: str) -> dict[tuple[tuple[str, ...], str], list[int]]:
    """The windows serving ``service``, grouped by (services, calling order)."""
    groups: Groups = {}
    for w in cfg.windows:
        if service in w.services:
            groups.setdefault((tuple(w.services), w.call_order), []).append(w.number)
    return groups


def newest_place(service: str, priority: bool, groups: Groups, waiting: dict[tuple[str, bool], int],
                 targeted: dict[int, int], since: dict[str, int], ratios: dict[str, int],
                 targeted_same: set[int] = frozenset()) -> int | None:
    """People ahead of the ticket just issued (``waiting`` counts it too; ``groups``: the
    windows serving its service, from ``window_groups``). None where a window serving it
    holds tickets of its own service transferred to it: calling those moves the service's
    lane counter first, which only the play-out follows (``targeted_same``: such windows)."""
    if any(n in targeted_same for numbers in groups.values() for n in numbers):
        return None
    prio = waiting.get((service, True), 0) - priority
    normal = waiting.get((service, False), 0) - (not priority)
    own = place_in_service(priority, prio, normal, since.get(service, ratios[service]), ratios[service])
    places = []
    for (services, order), numbers in groups.items():
        before = services[:services.index(service)] if order == "service_order" else \
            [s for s in services if s != service]
        others = sum(waiting.get((s, p), 0) for s in before for p in (True, False))
        places.append(own + others + min(targeted.get(n, 0) for n in numbers))
    return min(places, default=own)


def played_out_place(ticket, candidates: dict[int, tuple[list[selection.Head], list[selection.Head],
                                                          list[str], str]],
                     since: dict[str, int], ratios: dict[str, int]) -> int | None:
    """A waiting ticket's place at each candidate window (number → its transferred and
    untargeted waiting tickets, services, order), the smallest; None if none can call it."""
    places = []
    for targeted, untargeted, services, order in candidates.values():
        heads = selection.upcoming(targeted, untargeted, services, order, since, ratios,
                                   limit=len(targeted) + len(untargeted))
        place = next((i for i, h in enumerate(heads) if h.id == ticket["id"]), None)
        if place is not None:
            places.append(place)
    return min(places, default=None)

