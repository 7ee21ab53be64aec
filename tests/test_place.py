"""The newest ticket's place in closed form agrees with the play-out the next-lists use."""

from __future__ import annotations

import hypothesis.strategies as st
from hypothesis import given, settings

from hallkit.daemons.queue.lanes import LANE_NORMAL, LANE_PRIORITY, is_priority
from hallkit.daemons.queue.place import newest_place, played_out_place
from hallkit.daemons.queue.selection import Head

WINDOWS = {1: (("S",), "longest_wait"), 2: (("T", "S"), "longest_wait"), 3: (("T", "S"), "service_order")}

lanes = st.lists(st.sampled_from([LANE_PRIORITY, LANE_NORMAL]), max_size=6)


@settings(max_examples=400, deadline=None)
@given(s_lanes=lanes, t_lanes=lanes, targeted=st.lists(
    st.tuples(st.sampled_from([1, 2, 3]), st.sampled_from(["S", "T"]),
              st.sampled_from([LANE_PRIORITY, LANE_NORMAL])), max_size=4),
       since=st.integers(0, 4), ratio=st.integers(0, 3), new_lane=st.sampled_from([LANE_PRIORITY,
                                                                                   LANE_NORMAL]))
def test_closed_form_equals_play_out(s_lanes, t_lanes, targeted, since, ratio, new_lane):
    heads, key = [], 0.0
    for service, ls in (("S", s_lanes), ("T", t_lanes)):
        for lane in ls:
            key += 1
            heads.append((None, Head(len(heads) + 1, service, lane, key)))
    for window, service, lane in targeted:
        key += 1
        heads.append((window, Head(len(heads) + 1, service, lane, key)))
    newest = Head(len(heads) + 1, "S", new_lane, key + 1)
    heads.append((None, newest))
    since_by = {"S": since, "T": since}
    ratios = {"S": ratio, "T": ratio}
    candidates = {}
    for number, (services, order) in WINDOWS.items():
        mine = [h for w, h in heads if w == number]
        untargeted = [h for w, h in heads if w is None and h.service in services]
        candidates[number] = (mine, untargeted, list(services), order)
    played = played_out_place({"id": newest.id}, candidates, since_by, ratios)

    waiting: dict[tuple[str, bool], int] = {}
    for w, h in heads:
        if w is None:
            waiting[h.service, is_priority(h.lane)] = waiting.get((h.service, is_priority(h.lane)), 0) + 1
    counts: dict[int, int] = {}
    for w, _ in heads:
        if w is not None:
            counts[w] = counts.get(w, 0) + 1
    groups: dict = {}
    for number, (services, order) in WINDOWS.items():
        groups.setdefault((services, order), []).append(number)
    closed = newest_place("S", is_priority(new_lane), groups, waiting, counts, since_by, ratios,
                          targeted_same={w for w, s, _ in targeted if s == "S"})
    if closed is not None:  # None: the closed form declines, the play-out answers
        assert closed == played
