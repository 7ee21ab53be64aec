"""Random deposits, pickups (right, wrong and dead codes), drop-offs, staff collections,
door faults (stuck, forced, left open), time passing and restarts against the locker's
rules (engine.py), with a model board standing where the lock boards are. Every step is
one transaction, as in the daemon. After each step:
- no item lost: every waiting item sits in exactly the compartment that names it, and
  what was put in minus what was taken out is what waits;
- every compartment is in exactly one state;
- no door ever opened for a wrong or dead code (checked where codes are tried);
- at most one door operation per compartment.
"""

from __future__ import annotations

import re
import tempfile
from datetime import datetime
from pathlib import Path

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from hallkit.clock import ManualClock
from hallkit.config.load import check_text
from hallkit.daemons.locker import contract as msg
from hallkit.daemons.locker.engine import MIGRATIONS, LockerEngine, Staff
from hallkit.daemons.locker.settings import LockerSettings
from hallkit.runtime.commands import CommandError
from hallkit.store import Store

from conftest import small_hall

BOARD = "lb-1"
SIZES = {1: "S", 2: "S", 3: "S", 4: "M", 5: "M", 6: "L"}  # compartment (= lock) → size
LOCKER = '''
[devices.lb-1]
kind = "locker_board"
family = "8a80"
link = "sim://lockers"
address = 1
locks = 6

[[lockers]]
id = "l1"
name_zh = "自助文件柜"
name_en = "Document locker"
compartments = [
  { first = 1, count = 3, board = "lb-1", first_lock = 1, size = "S" },
  { first = 4, count = 2, board = "lb-1", first_lock = 4, size = "M" },
  { first = 6, count = 1, board = "lb-1", first_lock = 6, size = "L" },
]
'''
STAFF = Staff("1001", None)
KIOSK = "kiosk-1"


class LockerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = tempfile.TemporaryDirectory()
        cfg, issues = check_text(small_hall(Path(self.tmp.name) / "var", extra=LOCKER))
        assert not issues, issues
        self.cfg = cfg
        self.clock = ManualClock(datetime(2026, 11, 23, 8, 0), cfg.hall.timezone)
        self.store = Store(Path(self.tmp.name) / "locker.sqlite", self.clock)
        self.store.migrate("locker", MIGRATIONS)
        self.conn = self.store.conn
        self.conn.execute("PRAGMA synchronous = OFF")  # the rules are under test here, not the disk
        self.settings = LockerSettings(wrong_codes=20)  # wrong codes are tried often here
        self.doors: set[int] = set()           # the model board: doors physically open
        self.stuck: set[int] = set()
        self.pending: list[tuple[str, int]] = []  # opens the daemon would send: op, lock
        self.live: dict[str, int] = {}         # code → compartment, while its item waits
        self.dead: set[str] = set()            # codes of items collected or expired
        self.seen_sms = 0
        self.put_in = self.taken_out = 0
        self.n = 0
        self._start()

    def teardown(self) -> None:
        self.store.close()
        self.tmp.cleanup()

    # -- the daemon's part --------------------------------------------------------------------
    def _start(self) -> None:
        """As the daemon starts: the engine, then the board's first read reconciles."""
        self.engine = LockerEngine(self.cfg, self.conn, self.settings, b"k" * 32)
        self.engine.boards_up[BOARD] = True
        self._apply(lambda now: self.engine.snapshot(BOARD, frozenset(self.doors), now))

    def _apply(self, change):
        with self.store.db.atomic():
            effects = change(self.clock.time())
        for op, _board, lock, _who, _why in effects.opens:
            self.pending.append((op, lock))
        for name, _to, body in effects.events:
            if name == "done":
                self._done(body)
        self._read_sms()
        return effects

    def _command(self, call):
        try:
            with self.store.db.atomic():
                answer, effects = call(self.clock.time())
        except CommandError as exc:
            return exc
        for op, _board, lock, _who, _why in effects.opens:
            self.pending.append((op, lock))
        return answer

    def _done(self, body: msg.DoneEvent) -> None:
        if body.outcome in ("deposited", "dropped"):
            self.put_in += 1
        elif body.outcome in ("collected", "retrieved"):
            self.taken_out += 1
            for code, number in list(self.live.items()):
                if number == body.number:
                    del self.live[code]
                    self.dead.add(code)

    def _read_sms(self) -> None:
        """A code as the citizen's phone gets it (the outbox's text before it is sent)."""
        rows = self.conn.execute("SELECT text FROM sms WHERE id > ? ORDER BY id", (self.seen_sms,)).fetchall()
        self.seen_sms += len(rows)
        for (text,) in rows:
            found = re.search(r"(\d+)号柜，取件码(\d+)", text or "")
            if found:
                self.live[found[2]] = int(found[1])

    # -- staff and citizens ------------------------------------------------------------------
    @rule(size=st.sampled_from(["S", "M", "L"]))
    def deposit(self, size: str) -> None:
        self.n += 1
        req = msg.Deposit(case_no=f"QH2026112300{self.n:04d}", size=size, phone=f"139{self.n:08d}")
        answer = self._command(lambda now: self.engine.deposit(req, STAFF, now))
        if isinstance(answer, CommandError):
            assert answer.body.code == "full"
            assert not self._free_fitting(size)

    @rule(size=st.sampled_from(["S", "M", "L"]))
    def dropoff(self, size: str) -> None:
        answer = self._command(lambda now: self.engine.dropoff(msg.DropOff(size=size), KIOSK, now))
        if isinstance(answer, CommandError):
            assert answer.body.code == "full" and not self._free_fitting(size)

    @rule(data=st.data())
    def pickup(self, data) -> None:
        choices = [("live", c) for c in self.live] * 4 + [("dead", c) for c in self.dead]
        kind, code = data.draw(st.sampled_from([*choices, ("random", None)]))
        if code is None:
            code = data.draw(st.from_regex(r"[0-9]{6}", fullmatch=True))
        if code in self.live:  # a dead code may since have been given to a new item
            kind = "live"
        expired = kind == "live" and self._expired(code)
        out_of_service = kind == "live" and self._states()[self.live[code]] == "out_of_service"
        answer = self._command(lambda now: self.engine.pickup(msg.Pickup(code=code), KIOSK, now))
        if answer.outcome == "opening":
            assert kind == "live" and not expired, f"a door opened for a {kind} code"
            assert answer.number == self.live[code] and not out_of_service
        elif kind == "live" and not expired:  # its door busy or out of service, or wrong codes locked it
            assert answer.outcome in ("unavailable", "locked"), answer

    @rule(data=st.data())
    def staff_collect(self, data) -> None:
        """Mostly where there is something to collect (a drop-off, an overdue item)."""
        due = [r[0] for r in self.conn.execute("SELECT number FROM items WHERE state = 'waiting' AND "
                                               "(kind = 'dropoff' OR overdue = 1)")]
        number = data.draw(st.sampled_from(due * 3 + sorted(SIZES)))
        self._command(lambda now: self.engine.collect(msg.StaffOpen(locker="l1", number=number), STAFF, now))

    @rule(data=st.data())
    def technician_clears(self, data) -> None:
        """Mostly a compartment out of service, once its latch is mended."""
        out = [r[0] for r in self.conn.execute("SELECT number FROM compartments WHERE out_of_service "
                                               "IS NOT NULL")]
        number = data.draw(st.sampled_from(out * 3 + sorted(SIZES)))
        self.stuck.discard(number)
        self._command(lambda now: self.engine.clear(msg.Clear(locker="l1", number=number), STAFF, now))

    # -- the board and the people at the doors -------------------------------------------------
    @precondition(lambda self: self.pending)
    @rule(data=st.data())
    def board_carries_out_an_open(self, data) -> None:
        op, lock = self.pending.pop(data.draw(st.integers(0, len(self.pending) - 1)))
        if lock in self.stuck:
            outcome = "not_opened"
        else:
            outcome = data.draw(st.sampled_from(["opened"] * 6 + ["offline"]))
        if outcome == "opened":
            was_open = lock in self.doors
            self.doors.add(lock)
            if not was_open:
                self._apply(lambda now: self.engine.door(BOARD, lock, True, True, now))
        self._apply(lambda now: self.engine.opened(op, outcome, now))
        if outcome == "opened" and data.draw(st.sampled_from([True, True, False])):
            self.doors.discard(lock)  # the person there puts in or takes out, and shuts it
            self._apply(lambda now: self.engine.door(BOARD, lock, False, False, now))

    @precondition(lambda self: self.doors)
    @rule(data=st.data())
    def someone_shuts_a_door(self, data) -> None:
        lock = data.draw(st.sampled_from(sorted(self.doors)))
        self.doors.discard(lock)
        self._apply(lambda now: self.engine.door(BOARD, lock, False, False, now))

    @rule(data=st.data(), fault=st.sampled_from(["force", "stick"] + ["none"] * 6))
    def now_and_then_a_fault(self, data, fault: str) -> None:
        """A door pried open or a latch that sticks (rarer than the rest: faults are), most
        often where there is something to steal."""
        held = [r[0] for r in self.conn.execute("SELECT number FROM compartments WHERE item IS NOT NULL")]
        lock = data.draw(st.sampled_from(held * 3 + sorted(SIZES)))
        if fault == "force" and lock not in self.doors:
            self.doors.add(lock)
            self._apply(lambda now: self.engine.door(BOARD, lock, True, False, now))
        elif fault == "stick":
            self.stuck.add(lock)

    @rule(seconds=st.sampled_from([1, 5, 30, 90, 3600, 4 * 86400, 8 * 86400]))
    def time_passes(self, seconds: int) -> None:
        self.clock.advance(seconds)
        self._apply(self.engine.tick)

    @rule(crash=st.sampled_from([True] + [False] * 4))
    def restart(self, crash: bool) -> None:
        """A crash: opens not yet sent are gone with the process; the store stays."""
        if crash:
            self.pending.clear()
            self._start()

    # -- what must always hold -----------------------------------------------------------------
    def _free_fitting(self, size: str) -> list[int]:
        fits = {"S": "SML", "M": "ML", "L": "L"}[size]
        return [n for n, state in self._states().items() if state == "free" and SIZES[n] in fits]

    def _states(self) -> dict[int, str]:
        rows = self.conn.execute("SELECT number, item, op, out_of_service, door FROM compartments").fetchall()
        out = {}
        for number, item, op, oos, door in rows:
            idle = op is None and oos is None
            states = [name for name, holds in (
                ("reserved", op is not None),
                ("out_of_service", oos is not None and op is None),
                ("holding", item is not None and idle),
                ("free", item is None and idle and door != "open"),
                ("open_idle", item is None and idle and door == "open")) if holds]
            assert len(states) == 1, (number, states)
            out[number] = states[0]
        return out

    def _expired(self, code: str) -> bool:
        row = self.conn.execute("SELECT expires_at FROM items WHERE state = 'waiting' AND locker = 'l1' AND "
                                "number = ? AND kind = 'deposit'", (self.live[code],)).fetchone()
        return row is not None and row[0] is not None and self.clock.time() >= row[0]

    @invariant()
    def no_item_lost(self) -> None:
        waiting = self.conn.execute("SELECT id, locker, number FROM items WHERE state = 'waiting'").fetchall()
        held = dict(((r[1], r[2]), r[0]) for r in waiting)
        assert len(held) == len(waiting), "two waiting items in one compartment"
        for (locker, number), item in held.items():
            row = self.conn.execute("SELECT item FROM compartments WHERE locker = ? AND number = ?",
                                    (locker, number)).fetchone()
            assert row[0] == item, f"item {item} is not where it was put"
        assert self.put_in - self.taken_out == len(waiting)
        assert self.conn.execute("SELECT count(*) FROM compartments WHERE item IS NOT NULL").fetchone()[0] \
            == len(waiting)

    @invariant()
    def every_compartment_in_one_state(self) -> None:
        assert set(self._states()) == set(SIZES)

    @invariant()
    def one_operation_per_compartment(self) -> None:
        busy = self.conn.execute("SELECT number, count(*) FROM ops WHERE state IN ('opening', 'open') "
                                 "GROUP BY number HAVING count(*) > 1").fetchall()
        assert busy == []

    @invariant()
    def a_live_code_is_stored_only_as_its_hash(self) -> None:
        for code in self.live:
            assert self.conn.execute("SELECT count(*) FROM items WHERE code = ?", (code,)).fetchone()[0] == 0


LockerMachine.TestCase.settings = settings(
    max_examples=80, stateful_step_count=50, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
TestLockerMachine = LockerMachine.TestCase
