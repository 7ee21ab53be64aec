"""Who works at a window and what is kept about the people in line: clerk logins with
PINs, the demo exception, and personal data erased after keep_days."""

from __future__ import annotations

from datetime import timedelta

import pytest
from queue_kit import Kit, hall_text

from hallkit.daemons.queue import contract as q
from hallkit.runtime.commands import CommandError

ID_A = "11010519491231002X"
ID_B = "440524188001010014"


def test_login_logout_and_clerks(kit):
    kit.take()
    kit.ok("logout", 1)
    kit.refused("not_logged_in", "call_next", 1)
    kit.refused("forbidden", "login", 1, "999999", None)  # not a listed clerk
    kit.login(1, "1002")  # the clerk of window 2 moves to window 1
    assert kit.engine.window_status(2).state == "closed"
    kit.call(1)
    kit.refused("busy", "logout", 1)
    kit.refused("busy", "login", 2, "1002", "2468")


def test_a_clerk_logs_in_only_with_their_pin(kit):
    kit.ok("logout", 3)
    wrong = kit.refused("forbidden", "login", 3, "1004", "1357")
    assert kit.refused("forbidden", "login", 3, "1004", None).body.message == wrong.body.message
    assert kit.refused("forbidden", "login", 3, "9999", "2468").body.message == wrong.body.message
    kit.login(3, "1004", "2468")
    assert kit.engine.window_status(3).clerk == "1004"


def test_guessing_a_pin_locks_the_clerk_out_and_slows_the_device(kit):
    kit.ok("logout", 3)
    for pin in ("1111", "2222", "3333", "4444", "5555"):
        kit.refused("forbidden", "login", 3, "1004", pin)
    locked = kit.refused("forbidden", "login", 3, "1004", "2468")  # the right one, too late
    assert "5分钟" in locked.body.message and "5 min" in locked.body.message
    kit.clock.advance(301)
    kit.login(3, "1004", "2468")  # the lock is over
    gate = kit.engine.gate
    for n in range(10):  # a device trying many clerk numbers: ten failures a minute
        with pytest.raises(CommandError):
            gate.check(f"77{n}", "0000", "console-9", kit.clock.time())
    with pytest.raises(CommandError, match="too many failed logins from this device"):
        gate.check("1001", "2468", "console-9", kit.clock.time())
    gate.check("1001", "2468", "console-8", kit.clock.time())  # other devices are not held up


@pytest.mark.parametrize("demo", [False, True])
def test_a_hall_without_clerks_lets_anyone_log_in_only_as_a_demo(tmp_path, demo):
    text = hall_text(tmp_path, services="").replace("demo = true", f"demo = {str(demo).lower()}")
    k = Kit(tmp_path, text)
    if demo:
        k.login(1, "999999")
    else:
        err = k.refused("forbidden", "login", 1, "999999", None)
        assert "[[clerks]]" in err.body.message


def test_personal_data_is_erased_after_keep_days_and_the_figures_stay(kit):
    t = kit.take(id_number=ID_A, phone="13812345678")
    kit.ok("add_appointment", q.AppointmentAdd(code="YY2026Z", service="BDC",
                                               start=kit.clock.time() + 3600, id_number=ID_B))
    kit.clock.advance(timedelta(days=90))
    kit.ok("rollover")  # 90 days: still kept (default keep_days = 90)
    conn = kit.store.conn
    person = "SELECT id_hash, id_masked, phone_hash, phone_masked FROM tickets WHERE ticket_id = ?"
    assert all(conn.execute(person, (t.ticket_id,)).fetchone())
    kit.clock.advance(timedelta(days=1))
    kit.ok("rollover")
    assert conn.execute(person, (t.ticket_id,)).fetchone() == (None, None, None, None)
    assert conn.execute("SELECT id_hash, id_masked FROM appointments").fetchone() == (None, None)
    assert conn.execute("SELECT number, state FROM tickets WHERE ticket_id = ?",
                        (t.ticket_id,)).fetchone() == ("A001", "expired")  # the figures stay
