from hallkit.ids import ordered_id


def test_ids_sort_by_time_and_never_repeat():
    times = [1_764_000_000.0 + i * 0.001 for i in range(200)]
    ids = [ordered_id(t) for t in times]
    assert sorted(ids) == ids
    assert len({ordered_id(times[0]) for _ in range(1000)}) == 1000  # same instant: still distinct
    assert len(ordered_id(times[0], 4)) == 19 and len(ids[0]) == 27
