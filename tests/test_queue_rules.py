"""One test per queue rule, on the engine with a manual clock; refusals change nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from queue_kit import MONDAY_9, Kit, hall_text

from hallkit.daemons.queue import contract as q

ID_A = "11010519491231002X"
ID_B = "440524188001010014"


# -- numbering --------------------------------------------------------------------------
def test_numbers_per_service_per_day_never_reused(kit):
    assert [kit.take("BDC").number for _ in range(2)] == ["A001", "A002"]
    assert kit.take("SB").number == "B001"
    kit.ok("cancel", q.TicketRef(number="A002"))
    assert kit.take("BDC").number == "A003"  # a cancelled number is not handed out again
    kit.clock.advance(timedelta(days=7))  # next Monday
    kit.ok("rollover")
    assert kit.take("BDC").number == "A001"


def test_ticket_ids_sort_in_issue_order_and_are_unique(kit):
    ids = []
    for service in ["BDC", "SB"] * 5:
        ids.append(kit.take(service).ticket_id)
        kit.clock.advance(timedelta(milliseconds=1))
    same_instant = {kit.take().ticket_id for _ in range(20)}
    assert sorted(ids) == ids and len(set(ids) | same_instant) == 30


def test_day_start_decides_which_day_a_ticket_belongs_to(tmp_path):
    text = hall_text(tmp_path).replace('name_en = "Test Hall"',
                                       'name_en = "Test Hall"\nday_starts_at = "05:00"')
    text = text.replace('mon = ["08:30-12:00", "13:30-17:30"]', 'mon = ["00:00-23:59"]\n'
                        'tue = ["00:00-23:59"]')
    k = Kit(tmp_path, text, start=datetime(2026, 11, 24, 3, 0))  # Tuesday 03:00
    assert k.take().day == "2026-11-23"  # before 05:00 it is still Monday's business day
    k.clock.advance(timedelta(hours=2))
    assert k.take().day == "2026-11-24" and k.take().number == "A002"


def test_numbers_widen_past_the_padding(tmp_path):
    text = hall_text(tmp_path).replace('prefix = "B"', 'prefix = "B"\nnumber_digits = 2')
    k = Kit(tmp_path, text)
    numbers = [k.take("SB").number for _ in range(100)]
    assert numbers[0] == "B01" and numbers[98] == "B99" and numbers[99] == "B100"


# -- issue rules ----------------------------------------------------------------------------
def test_daily_quota_sells_out_with_a_clear_answer(tmp_path):
    k = Kit(tmp_path, hall_text(tmp_path).replace("daily_quota = 100", "daily_quota = 2"))
    k.take(), k.take()
    err = k.refused("sold_out", "issue", q.Issue(service="BDC"))
    assert "今日不动产登记号已取完" in err.body.message and err.body.field == "data.service"
    assert k.take("SB").number == "B001"  # other services are not affected


def test_half_day_quotas(tmp_path):
    k = Kit(tmp_path, hall_text(tmp_path, "\n[services.rules]\nquota_am = 2\nquota_pm = 1"))
    k.take(), k.take()
    assert "上午" in k.refused("sold_out", "issue", q.Issue(service="BDC")).body.message
    k.clock.advance(timedelta(hours=5))  # 14:00
    k.take()
    assert "下午" in k.refused("sold_out", "issue", q.Issue(service="BDC")).body.message


def test_one_open_ticket_per_id_per_service_per_day(kit):
    first = kit.take(id_number=ID_A)
    err = kit.refused("duplicate", "issue", q.Issue(service="BDC", id_number=ID_A))
    assert first.number in err.body.message
    kit.take("SB", id_number=ID_A)  # another service: fine
    kit.take(id_number=ID_B)        # another person: fine
    kit.call(1)
    kit.ok("end", 1)
    kit.take(id_number=ID_A)        # the first one is done: a new one is fine


def test_closed_outside_opening_hours_unless_the_service_allows_it(tmp_path):
    text = hall_text(tmp_path).replace(
        'name_en = "Social Insurance"', 'name_en = "Social Insurance"\n[services.rules]\n'
        'open_outside_hours = true')
    k = Kit(tmp_path, text, start=MONDAY_9.replace(hour=12, minute=30))  # lunch break
    err = k.refused("closed", "issue", q.Issue(service="BDC"))
    assert "现在不办理业务" in err.body.message
    assert k.take("SB").number == "B001"


def test_id_and_phone_are_kept_only_hashed_and_masked(kit):
    issued = kit.take(id_number=ID_A, phone="13812345678")
    assert issued.id_masked == "110***********002X" and issued.phone_masked == "138****5678"
    dump = "\n".join(kit.store.conn.iterdump())
    assert ID_A not in dump and "13812345678" not in dump


# -- calling policy ---------------------------------------------------------------------
def test_priority_goes_first_but_normal_tickets_are_not_starved(kit):
    normals = [kit.take().number for _ in range(7)]
    prios = [kit.take(priority_class="elderly").number for _ in range(3)]
    order = [kit.call(1) for _ in range(10)]
    p, n = prios, normals
    assert order == [p[0], n[0], n[1], n[2], p[1], n[3], n[4], n[5], p[2], n[6]]


def test_next_list_is_the_order_call_next_takes(kit):
    """The clerk console's list follows the lane rule (1 priority : 3 normal), tickets sent
    to the window first, and the longest wait across the window's services."""
    sent = kit.take(priority_class="elderly").number
    kit.call(1)
    kit.ok("transfer", 1, q.Transfer(window=1, to_window=2))
    n = [kit.take().number for _ in range(4)]
    kit.clock.advance(5)
    b = kit.take("SB").number
    p = [kit.take(priority_class="elderly").number for _ in range(2)]

    def listed():
        return [t.number for t in kit.engine.window_next(2, 10, kit.clock.time()).tickets]

    expected = [sent, n[0], n[1], n[2], b, p[0], n[3], p[1]]
    assert listed() == expected
    assert [kit.call(2) for _ in range(8)] == expected
    assert listed() == []


def test_ratio_zero_means_priority_always_first(tmp_path):
    k = Kit(tmp_path, hall_text(tmp_path, "\n[services.rules]\npriority_ratio = 0"))
    k.login(1, "1001")
    n = [k.take().number for _ in range(2)]
    p = [k.take(priority_class="disabled").number for _ in range(2)]
    assert [k.call(1) for _ in range(4)] == [p[0], p[1], n[0], n[1]]


def test_longest_wait_across_a_windows_services(kit):
    a = kit.take("BDC").number
    kit.clock.advance(10)
    b = kit.take("SB").number
    kit.clock.advance(10)
    a2 = kit.take("BDC").number
    assert [kit.call(2) for _ in range(3)] == [a, b, a2]


def test_service_order_window_empties_its_first_service_first(kit):
    b = kit.take("SB").number
    kit.clock.advance(10)
    g = kit.take("GJJ").number
    assert [kit.call(3) for _ in range(2)] == [g, b]


def test_a_window_calls_only_its_services(kit):
    kit.take("SB")
    kit.refused("no_ticket", "call_next", 1)


def test_appointment_check_in_window_and_priority(kit):
    slot = kit.clock.time() + 3600  # 10:00
    kit.ok("add_appointment", q.AppointmentAdd(code="YY2026A", service="BDC", start=slot,
                                               id_number=ID_A))
    normal = kit.take().number
    err = kit.refused("too_early", "check_in", q.CheckIn(code="YY2026A"))
    assert "09:30" in err.body.message
    kit.clock.advance(timedelta(minutes=31))  # 09:31
    appt = kit.ok("check_in", q.CheckIn(code="YY2026A", kiosk="kiosk-1"))
    assert appt.appointment and appt.id_masked == "110***********002X"
    kit.refused("duplicate", "check_in", q.CheckIn(code="YY2026A"))
    assert [kit.call(1) for _ in range(2)] == [appt.number, normal]
    kit.ok("add_appointment", q.AppointmentAdd(code="YY2026B", service="BDC", start=slot))
    kit.clock.advance(timedelta(minutes=45))  # 10:16
    assert "10:15" in kit.refused("too_late", "check_in", q.CheckIn(code="YY2026B")).body.message
    kit.refused("not_found", "check_in", q.CheckIn(code="NOPE1"))


def test_call_by_number_including_a_passed_ticket(kit):
    a1, a2 = kit.take().number, kit.take().number
    assert kit.ok("call_number", 1, a2).number == a2
    kit.refused("wrong_state", "call_number", 1, a2)  # being served already
    kit.refused("not_served_here", "call_number", 1, kit.take("SB").number)
    kit.refused("not_found", "call_number", 1, "A999")
    assert kit.ok("call_number", 1, a1).ended == a2  # calling ends the one in service


def test_recall_up_to_the_limit(kit):
    kit.take()
    kit.call(1)
    assert [kit.ok("recall", 1).recall for _ in range(2)] == [1, 2]
    kit.refused("recall_limit", "recall", 1)
    called = [e for name, e in kit.events if name == "called"]
    assert [e.recall for e in called] == [0, 1, 2]


def test_no_show_requeues_three_back_once_then_drops(kit):
    tickets = [kit.take().number for _ in range(6)]
    assert kit.call(1) == tickets[0]
    assert kit.ok("no_show", 1).outcome == "requeued"
    order = [kit.call(1) for _ in range(4)]
    assert order == [tickets[1], tickets[2], tickets[3], tickets[0]]
    assert kit.ok("no_show", 1).outcome == "dropped"  # requeued once already
    assert kit.state(tickets[0]) == "no_show"


def test_no_show_drop_rule(kit):
    g = kit.take("GJJ").number
    kit.call(3)
    assert kit.ok("no_show", 3).outcome == "dropped" and kit.state(g) == "no_show"


def test_transfer_to_service_keeps_the_take_time(kit):
    a = kit.take("BDC").number
    kit.clock.advance(60)
    b1 = kit.take("SB").number
    kit.call(1)
    kit.ok("transfer", 1, q.Transfer(window=1, to_service="SB"))
    assert kit.call(2) == a  # taken before b1, so it is ahead of it in the new line
    assert kit.call(2) == b1


def test_transfer_to_a_window_is_called_there_first_and_only_there(kit):
    kit.take("BDC")
    a2 = kit.take("BDC").number
    kit.ok("call_number", 1, a2)
    kit.ok("transfer", 1, q.Transfer(window=1, to_window=3))
    assert kit.call(1) == "A001"  # window 1 no longer sees it
    kit.refused("no_ticket", "call_next", 1)
    assert kit.call(3) == a2
    kit.refused("bad_request", "transfer", 3, q.Transfer(window=3, to_window=3))


def test_hold_and_resume(kit):
    a1, a2 = kit.take().number, kit.take().number
    kit.call(1)
    kit.ok("hold", 1)
    assert kit.state(a1) == "held"
    kit.call(1)
    kit.refused("busy", "resume", 1, a1)
    kit.ok("end", 1)
    kit.refused("not_found", "resume", 2, a1)  # it is held at window 1, not 2
    assert kit.ok("resume", 1, a1).number == a1 and kit.state(a2) == "done"


def test_pause_and_resume_a_window(kit):
    kit.take()
    assert kit.ok("pause", 1, None).state == "paused"
    kit.refused("paused", "call_next", 1)
    assert kit.ok("pause", 1, None).state == "idle"
    kit.call(1)
    kit.refused("busy", "pause", 1, True)


def test_end_service_reports_times_for_the_rating(kit):
    kit.take()
    kit.clock.advance(120)
    kit.call(1)
    kit.clock.advance(300)
    assert kit.ok("end", 1).served_s == 300
    ended = next(e for name, e in kit.events if name == "ended")
    assert (ended.window, ended.clerk, ended.served_s, ended.waited_s) == (1, "1001", 300, 120)
    kit.refused("no_current", "end", 1)


def test_cancel_and_ticket_status(kit):
    t = kit.take()
    status = kit.engine.status(q.TicketRef(ticket_id=t.ticket_id), kit.clock.time())
    assert (status.state, status.ahead) == ("waiting", 0)
    kit.ok("cancel", q.TicketRef(ticket_id=t.ticket_id))
    kit.refused("wrong_state", "cancel", q.TicketRef(ticket_id=t.ticket_id))
    kit.refused("no_ticket", "call_next", 1)


def test_estimated_wait_uses_history_and_open_windows(kit):
    for _ in range(4):  # history: 5-minute services at window 1
        kit.take()
        kit.call(1)
        kit.clock.advance(300)
        kit.ok("end", 1)
    kit.take(), kit.take()
    kit.call(1)  # window 1 busy; window 2 serves SB and BDC (half a window for BDC)
    kit.call(2)
    t = kit.take()
    # capacity 1.5, no window idle: 0 ahead × 300/1.5 + 300/2.5
    assert t.ahead == 0 and t.est_wait_s == pytest.approx(120)
    t2 = kit.take()
    assert t2.ahead == 1 and t2.est_wait_s == pytest.approx(320)
    for w in (1, 2, 3):
        kit.ok("end", w) if kit.engine.window_status(w).state == "serving" else None
        kit.ok("logout", w)
    assert kit.take().est_wait_s is None  # nobody serves: no promise


# -- bad commands --------------------------------------------------------------------------
def test_bad_commands_are_refused_clearly_and_change_nothing(kit):
    err = kit.refused("unknown_service", "issue", q.Issue(service="BCD"))
    assert "did you mean BDC" in err.body.message
    kit.refused("unknown_window", "call_next", 42)
    kit.refused("no_current", "no_show", 1)          # stale: nobody is being served
    kit.refused("no_current", "recall", 2)
    kit.refused("no_ticket", "call_next", 1)
    kit.refused("not_found", "cancel", q.TicketRef(number="A777"))
    kit.ok("logout", 2)
    kit.refused("not_logged_in", "recall", 2)


def test_a_priority_class_the_service_does_not_offer_is_refused(tmp_path):
    k = Kit(tmp_path, hall_text(tmp_path).replace('name_en = "Social Insurance"',
                                                  'name_en = "Social Insurance"\n'
                                                  'priority_classes = ["elderly"]'))
    k.refused("bad_request", "issue", q.Issue(service="SB", priority_class="military"))
    assert k.take("SB", priority_class="elderly").number == "B001"


def test_rollover_expires_leftovers_and_closes_windows(kit):
    a1 = kit.take().number
    a2 = kit.take().number
    kit.call(1)
    kit.clock.advance(timedelta(days=1))
    assert kit.ok("rollover") is True
    assert kit.state(a1) == "expired" and kit.state(a2) == "expired"
    assert kit.engine.window_status(1).state == "closed"
    assert kit.ok("rollover") is False


def test_a_window_removed_from_the_config_is_ignored(tmp_path):
    k = Kit(tmp_path)
    k.login(2, "1002")
    k.store.close()
    text = hall_text(tmp_path).replace("[[windows]]\nnumber = 2\nservices = [\"SB\", \"BDC\"]\n", "")
    k2 = Kit(tmp_path, text)  # same database, window 2 gone from the hall
    k2.login(1, "1001")
    assert k2.take().est_wait_s == 0.0
    bdc = next(s for s in k2.engine.queue_state(k2.clock.time()).services if s.code == "BDC")
    assert bdc.windows_open == 1


def test_a_normal_ticket_behind_five_priority_ones_is_told_it_comes_second(kit):
    """It was printed "5 people ahead, about 30 minutes" and then called second."""
    kit.ok("logout", 2)  # window 1 alone serves BDC (priority_ratio 3)
    for _ in range(5):
        kit.take(priority_class="elderly")
    normal = kit.take()
    assert normal.ahead == 1
    assert [kit.call(1) for _ in range(2)] == ["A001", normal.number]


def test_the_newest_tickets_place_counts_tickets_transferred_to_a_window(kit):
    """A ticket transferred to a window moves its service's lane counter when called: the
    count alone put the newest ticket a place too early."""
    first = kit.take(priority_class="elderly")
    assert kit.call(2) == first.number  # window 2 (SB, BDC) calls it, and sends it to window 1
    kit.ok("transfer", 2, q.Transfer(window=2, to_window=1))
    kit.take()  # a normal ticket waits
    newest = kit.take(priority_class="elderly")
    status = kit.engine.status(q.TicketRef(ticket_id=newest.ticket_id), kit.clock.time())
    assert newest.ahead == status.ahead
