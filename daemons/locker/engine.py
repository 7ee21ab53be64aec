"""The lockers' rules, over the store: compartments, items, pickup codes, door operations,
alarms and the SMS outbox. No bus and no serial line here: the daemon hands in commands,
door changes and the time, and carries out what comes back (doors to open, events).

A door operation is a row from the moment it is asked until its door is shut again: a
deposit is recorded only when the door it opened is shut, a pickup is collected only
then, and a restart finds every operation where it was (``reconcile``). No door is ever
opened for a wrong, dead or someone else's code; only a staff override opens a
compartment holding another's item, and it is audited with its reason.
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from hallkit.config.model import HallConfig
from hallkit.daemons.locker import contract as msg
from hallkit.ids import ordered_id
from hallkit.keys import keyed_hash
from hallkit.privacy import mask_phone
from hallkit.runtime.commands import CommandError
from hallkit.store import Migration

log = logging.getLogger(__name__)

SIZES = ("S", "M", "L", "XL")
DAY_S = 86400
TICK_S = 1.0                # the daemon ticks this often
CLOSE_DOOR_EVERY_S = 20     # a door left open after a pickup: 请关好柜门 this often…
LEFT_OPEN_AFTER = 4         # …then, this many close_within_s later, the left-open alarm

MIGRATIONS = (
    Migration(1, "compartments, items, door operations, audit, wrong codes, SMS outbox", """
        CREATE TABLE compartments (
            locker TEXT NOT NULL, number INTEGER NOT NULL, board TEXT NOT NULL, lock INTEGER NOT NULL,
            size TEXT NOT NULL, item INTEGER, op TEXT, out_of_service TEXT,
            door TEXT NOT NULL DEFAULT 'unknown', door_since REAL, PRIMARY KEY (locker, number));
        CREATE TABLE items (
            id INTEGER PRIMARY KEY, kind TEXT NOT NULL, locker TEXT NOT NULL, number INTEGER NOT NULL,
            case_no TEXT, receipt TEXT, phone TEXT, phone_masked TEXT, code TEXT, id_last4 TEXT,
            staff TEXT, placed_at REAL NOT NULL, expires_at REAL, reminded INTEGER NOT NULL DEFAULT 0,
            overdue INTEGER NOT NULL DEFAULT 0, state TEXT NOT NULL, done_at REAL, done_by TEXT);
        CREATE UNIQUE INDEX items_live_code ON items(code) WHERE state = 'waiting' AND code IS NOT NULL;
        CREATE TABLE ops (
            id TEXT PRIMARY KEY, kind TEXT NOT NULL, locker TEXT NOT NULL, number INTEGER NOT NULL,
            item INTEGER, who TEXT NOT NULL, kiosk TEXT, state TEXT NOT NULL, started_at REAL NOT NULL,
            opened_at REAL, detail TEXT NOT NULL DEFAULT '{}');
        CREATE TABLE audit (
            at REAL NOT NULL, who TEXT NOT NULL, kiosk TEXT, locker TEXT NOT NULL, number INTEGER NOT NULL,
            why TEXT NOT NULL, outcome TEXT NOT NULL);
        CREATE TABLE wrong_codes (kiosk TEXT NOT NULL, at REAL NOT NULL);
        CREATE TABLE code_locks (kiosk TEXT PRIMARY KEY, until REAL NOT NULL);
        CREATE TABLE sms (
            id INTEGER PRIMARY KEY, phone TEXT NOT NULL, text TEXT, phone_masked TEXT NOT NULL,
            created_at REAL NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at REAL NOT NULL,
            sent_at REAL, answer TEXT);
    """),
    Migration(2, "an SMS names its item: one not yet sent goes when the item is collected", """
        ALTER TABLE sms ADD COLUMN item INTEGER;
    """),
)


@dataclass
class Effects:
    """What the daemon does once the change is on disk."""

    opens: list[tuple[str, str, int, str, str]] = field(default_factory=list)  # op, board, lock, who, why
    events: list[tuple[str, str | None, BaseModel]] = field(default_factory=list)  # name, to kiosk, body
    changed: bool = False
    erased: bool = False  # a phone number left the store: drop the disk's older copies of it

    def event(self, name: str, kiosk: str | None, body: BaseModel) -> None:
        self.events.append((name, kiosk, body))


@dataclass(frozen=True)
class Staff:
    clerk: str
    kiosk: str | None


class LockerEngine:
    def __init__(self, cfg: HallConfig, conn: sqlite3.Connection, settings, key: bytes) -> None:
        self.cfg, self.conn, self.s, self.key = cfg, conn, settings, key
        self.lockers = {lk.id: lk for lk in cfg.lockers}
        self.zone = ZoneInfo(cfg.hall.timezone)
        self.where: dict[tuple[str, int], tuple[str, int]] = {}  # (board, lock) → (locker, number)
        self.sessions: dict[str, tuple[str, str | None, float]] = {}  # token hash → clerk, kiosk, until
        self.boards_up: dict[str, bool] = {}
        self._asked_to_close: dict[str, float] = {}  # op → when its door was last asked to be shut
        self._sync_compartments()

    # -- set-up ----------------------------------------------------------------------------------
    def _sync_compartments(self) -> None:
        """The compartments the hall config describes, in the store (their contents kept)."""
        with self.conn:
            for locker in self.cfg.lockers:
                for group in locker.compartments:
                    for number, lock in zip(group.numbers, group.locks, strict=True):
                        self.where[(group.board, lock)] = (locker.id, number)
                        self.conn.execute(
                            "INSERT INTO compartments (locker, number, board, lock, size) "
                            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (locker, number) DO UPDATE SET "
                            "board = excluded.board, lock = excluded.lock, size = excluded.size",
                            (locker.id, number, group.board, lock, group.size))

    def _hash(self, what: str) -> str:
        return keyed_hash(self.key, what)

    # -- staff -----------------------------------------------------------------------------------
    def open_session(self, clerk: str, kiosk: str | None, now: float) -> str:
        token = secrets.token_hex(16)
        self.sessions = {k: v for k, v in self.sessions.items() if v[2] > now}  # lapsed ones go
        self.sessions[self._hash(token)] = (clerk, kiosk, now + self.s.staff_session_min * 60)
        return token

    def staff(self, session: str | None, kiosk: str | None, trusted: bool, user: str, now: float) -> Staff:
        """Who acts: ops as themselves; a kiosk only with a live staff session made at it.
        ``Staff.kiosk`` is where the operation's events go: the kiosk, or the ops user."""
        if trusted:
            return Staff(user, user)
        held = self.sessions.get(self._hash(session)) if session else None
        if held is None or held[2] < now or held[1] != kiosk:
            raise CommandError("staff_only", "员工请先登录 / staff must log in at this kiosk first",
                               "data.session")
        return Staff(held[0], kiosk)

    # -- compartments ----------------------------------------------------------------------------
    def _free(self, size: str) -> tuple[str, int] | None:
        """The smallest free compartment that fits ``size`` (then the lowest number)."""
        fits = SIZES[SIZES.index(size):]
        rows = self.conn.execute(
            "SELECT locker, number, size, board FROM compartments WHERE item IS NULL AND op IS NULL "
            "AND out_of_service IS NULL AND door != 'open'").fetchall()
        rows = [r for r in rows if r[2] in fits and self.boards_up.get(r[3], False)
                and r[0] in self.lockers]
        rows.sort(key=lambda r: (SIZES.index(r[2]), r[0], r[1]))
        return (rows[0][0], rows[0][1]) if rows else None

    def _compartment(self, locker: str, number: int) -> tuple:
        row = self.conn.execute("SELECT board, lock, item, op, out_of_service, door FROM compartments "
                                "WHERE locker = ? AND number = ?", (locker, number)).fetchone()
        if row is None:
            raise CommandError("not_found", f"no compartment {locker} {number}", "data.number")
        return row

    def _start(self, kind: str, locker: str, number: int, who: str, kiosk: str | None, why: str,
               now: float, item: int | None = None,
               detail: dict | None = None) -> tuple[msg.Opening, Effects]:
        board, lock, *_ = self._compartment(locker, number)
        op = ordered_id(now)
        self.conn.execute("INSERT INTO ops (id, kind, locker, number, item, who, kiosk, state, started_at, "
                          "detail) VALUES (?, ?, ?, ?, ?, ?, ?, 'opening', ?, ?)",
                          (op, kind, locker, number, item, who, kiosk, now, json.dumps(detail or {})))
        self.conn.execute("UPDATE compartments SET op = ? WHERE locker = ? AND number = ?",
                          (op, locker, number))
        effects = Effects(changed=True)
        effects.opens.append((op, board, lock, who, why))
        opening = msg.Opening(op_id=op, locker=locker, number=number, close_within_s=self.s.close_within_s)
        return opening, effects

    # -- commands --------------------------------------------------------------------------------
    def _boards_there(self) -> None:
        """No door can open with every board offline: say so, not 'full'."""
        if not any(self.boards_up.values()):
            raise CommandError("unavailable", "柜子暂时无法使用 / the locker's boards are not answering")

    def deposit(self, req: msg.Deposit, staff: Staff, now: float) -> tuple[msg.Opening, Effects]:
        self._boards_there()
        place = self._free(req.size)
        if place is None:
            raise CommandError("full", f"没有空闲的{req.size}号或更大的柜格 / no free compartment of size "
                               f"{req.size} or larger", "data.size")
        detail = {"case_no": req.case_no, "phone": req.phone,
                  "id_last4": self._hash(req.id_last4) if req.id_last4 else None}
        return self._start("deposit", *place, staff.clerk, staff.kiosk, f"deposit {req.case_no}", now,
                           detail=detail)

    def dropoff(self, req: msg.DropOff, kiosk: str, now: float) -> tuple[msg.Opening, Effects]:
        self._boards_there()
        place = self._free(req.size)
        if place is None:
            raise CommandError("full", "没有空闲的柜格 / no free compartment", "data.size")
        return self._start("dropoff", *place, f"citizen at {kiosk}", kiosk, "drop-off", now)

    def pickup(self, req: msg.Pickup, kiosk: str, now: float) -> tuple[msg.PickupAnswer, Effects]:
        locked = self._code_lock(kiosk, now)
        if locked:
            return msg.PickupAnswer(outcome="locked", locked_s=locked), Effects()
        row = self.conn.execute(
            "SELECT id, locker, number, expires_at, id_last4 FROM items WHERE code = ? AND state = 'waiting'",
            (self._hash(req.code),)).fetchone()
        second_ok = row is not None and (not self.s.id_last4 or row[4] is None or (
            req.id_last4 is not None and hmac.compare_digest(row[4], self._hash(req.id_last4))))
        if row is None or not second_ok:
            return self._wrong_code(kiosk, now)
        item, locker, number, expires_at, _ = row
        if expires_at is not None and now >= expires_at:  # a dead code opens nothing
            return msg.PickupAnswer(outcome="expired"), Effects()
        board, _, _, op, out, _ = self._compartment(locker, number)
        if op is not None or out is not None or not self.boards_up.get(board, False):
            return msg.PickupAnswer(outcome="unavailable"), Effects()
        opening, effects = self._start("pickup", locker, number, f"citizen at {kiosk}", kiosk,
                                       f"pickup of item {item}", now, item=item)
        return msg.PickupAnswer(outcome="opening", op_id=opening.op_id, locker=locker, number=number), effects

    def _code_lock(self, kiosk: str, now: float) -> float:
        row = self.conn.execute("SELECT until FROM code_locks WHERE kiosk = ?", (kiosk,)).fetchone()
        return round(row[0] - now) if row and row[0] > now else 0

    def _wrong_code(self, kiosk: str, now: float) -> tuple[msg.PickupAnswer, Effects]:
        self.conn.execute("INSERT INTO wrong_codes VALUES (?, ?)", (kiosk, now))
        window = self.s.wrong_lock_min * 60
        wrong = self.conn.execute("SELECT count(*) FROM wrong_codes WHERE kiosk = ? AND at > ?",
                                  (kiosk, now - window)).fetchone()[0]
        if wrong < self.s.wrong_codes:
            return msg.PickupAnswer(outcome="wrong", tries_left=self.s.wrong_codes - wrong), Effects()
        self.conn.execute("INSERT OR REPLACE INTO code_locks VALUES (?, ?)", (kiosk, now + window))
        self.conn.execute("DELETE FROM wrong_codes WHERE kiosk = ?", (kiosk,))
        log.warning("kiosk %s: %d wrong pickup codes; its pickups are locked for %d min", kiosk, wrong,
                    self.s.wrong_lock_min)
        effects = Effects(changed=True)
        effects.event("alarm", None, msg.Alarm(locker="-", alarm="wrong_codes", since=now, text=(
            f"{kiosk}: {wrong} wrong pickup codes; locked for {self.s.wrong_lock_min} min")))
        return msg.PickupAnswer(outcome="locked", locked_s=window), effects

    def collect(self, req: msg.StaffOpen, staff: Staff, now: float) -> tuple[msg.Opening, Effects]:
        _, _, item, op, _, _ = self._compartment(req.locker, req.number)
        row = self.conn.execute("SELECT kind, overdue FROM items WHERE id = ?", (item,)).fetchone() if item \
            else None
        if row is None or not (row[0] == "dropoff" or row[1]):
            raise CommandError("nothing_to_collect", f"{req.locker} {req.number} holds no drop-off or "
                               "overdue item (an override opens it with a reason)", "data.number")
        if op is not None:
            raise CommandError("busy", f"{req.locker} {req.number} is being opened already", "data.number")
        return self._start("collect", req.locker, req.number, staff.clerk, staff.kiosk, "staff collect", now,
                           item=item)

    def override(self, req: msg.StaffOpen, staff: Staff, now: float) -> tuple[msg.Opening, Effects]:
        if not req.reason:
            raise CommandError("bad_request", "an override needs a reason", "data.reason")
        _, _, item, op, _, _ = self._compartment(req.locker, req.number)
        if op is not None:
            raise CommandError("busy", f"{req.locker} {req.number} is being opened already", "data.number")
        log.warning("staff override by %s: %s %d (%s)", staff.clerk, req.locker, req.number, req.reason)
        return self._start("override", req.locker, req.number, staff.clerk, staff.kiosk,
                           f"override: {req.reason}", now, item=item)

    def clear(self, req: msg.Clear, staff: Staff, now: float) -> tuple[bool, Effects]:
        *_, door = self._compartment(req.locker, req.number)  # not_found for one that is not there
        if door == "open":  # back in service open, it would raise left_open again a minute later
            raise CommandError("door_open", f"{req.locker} {req.number}: shut the door first", "data.number")
        cur = self.conn.execute("UPDATE compartments SET out_of_service = NULL WHERE locker = ? AND "
                                "number = ? AND out_of_service IS NOT NULL", (req.locker, req.number))
        if cur.rowcount:
            log.info("%s %d back in service (cleared by %s)", req.locker, req.number, staff.clerk)
        return bool(cur.rowcount), Effects(changed=bool(cur.rowcount))

    # -- doors -----------------------------------------------------------------------------------
    def opened(self, op_id: str, outcome: str, now: float) -> Effects:
        """What the board made of an operation's open command."""
        row = self.conn.execute("SELECT kind, locker, number, who, kiosk, state FROM ops WHERE id = ?",
                                (op_id,)).fetchone()
        effects = Effects(changed=True)
        if row is None or row[5] != "opening":
            return effects
        kind, locker, number, who, kiosk, _ = row
        self.conn.execute("INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?)",
                          (now, who, kiosk, locker, number, kind, outcome))
        effects.event("door", kiosk, msg.DoorEvent(op_id=op_id, kind=kind, outcome=outcome, locker=locker,
                                                   number=number))
        if outcome == "opened":
            self.conn.execute("UPDATE ops SET state = 'open', opened_at = ? WHERE id = ?", (now, op_id))
            return effects
        self._end(op_id, "failed", effects)
        if outcome == "not_opened":  # the latch did not let go: nobody else gets this compartment
            self._out_of_service(locker, number, "stuck", now, effects)
        effects.event("done", kiosk, msg.DoneEvent(op_id=op_id, kind=kind, outcome="not_opened",
                                                   locker=locker, number=number))
        return effects

    def door(self, board: str, lock: int, is_open: bool, ours: bool, now: float) -> Effects:
        """A door changed on a board."""
        effects = Effects(changed=True)
        place = self.where.get((board, lock))
        if place is None:
            return effects  # a lock that drives no compartment
        locker, number = place
        self.conn.execute("UPDATE compartments SET door = ?, door_since = ? WHERE locker = ? AND number = ?",
                          ("open" if is_open else "shut", now, locker, number))
        op = self.conn.execute("SELECT id, kind, item, kiosk, state, detail FROM ops WHERE locker = ? AND "
                               "number = ? AND state IN ('opening', 'open')", (locker, number)).fetchone()
        if is_open:
            if op is None and not ours:  # opened with no command: pried open
                self._out_of_service(locker, number, "forced", now, effects)
            return effects
        if op is not None and op[4] == "open":
            self._shut(op, locker, number, now, effects)
        return effects

    def _shut(self, op, locker: str, number: int, now: float, effects: Effects) -> None:
        """An operation's door is shut again: what it was for is now done."""
        op_id, kind, item, kiosk, _, detail = op
        detail = json.loads(detail)
        receipt = None
        if kind == "deposit":
            item = self._place_item("deposit", locker, number, detail, now)
            outcome = "deposited"
        elif kind == "dropoff":
            day = datetime.fromtimestamp(now, self.zone)  # the hall's day, as the slip prints it
            receipt = f"D{day:%Y%m%d}-{number:03d}-{secrets.randbelow(1000):03d}"  # digits: no l/1 mix-up
            item = self._place_item("dropoff", locker, number, {"receipt": receipt}, now)
            outcome = "dropped"
            if kiosk:
                lk = self.lockers.get(locker)
                effects.event("receipt", None, msg.Receipt(
                    receipt=receipt, kiosk=kiosk, locker=locker, locker_zh=lk.name_zh if lk else locker,
                    locker_en=lk.name_en if lk else locker, number=number, at=now))
        elif kind in ("pickup", "collect") and item is not None:
            self.conn.execute("UPDATE items SET state = ?, done_at = ?, done_by = ?, phone = NULL, "
                              "code = NULL WHERE id = ?", ("collected" if kind == "pickup" else "retrieved",
                                                            now, kiosk or "staff", item))
            self.conn.execute("UPDATE compartments SET item = NULL WHERE locker = ? AND number = ?",
                              (locker, number))
            outcome = "collected" if kind == "pickup" else "retrieved"
            # A message not yet out (its code, a reminder) has nothing left to say.
            self.conn.execute("DELETE FROM sms WHERE item = ? AND sent_at IS NULL", (item,))
            effects.erased = True
        else:
            outcome = "opened"
        self._end(op_id, "done", effects)
        who = self.conn.execute("SELECT who FROM ops WHERE id = ?", (op_id,)).fetchone()[0]
        self.conn.execute("INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?)",  # how it went, door shut
                          (now, who, kiosk, locker, number, kind, "shut" if outcome == "opened" else outcome))
        effects.event("done", kiosk, msg.DoneEvent(op_id=op_id, kind=kind, outcome=outcome, locker=locker,
                                                   number=number, receipt=receipt))

    def _place_item(self, kind: str, locker: str, number: int, detail: dict, now: float) -> int:
        code = None
        if kind == "deposit":
            code = self._new_code()
        cur = self.conn.execute(
            "INSERT INTO items (kind, locker, number, case_no, receipt, phone, phone_masked, code, id_last4, "
            "placed_at, expires_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'waiting')",
            (kind, locker, number, detail.get("case_no"), detail.get("receipt"), detail.get("phone"),
             mask_phone(detail["phone"]) if detail.get("phone") else None,
             self._hash(code) if code else None, detail.get("id_last4"), now,
             now + self.s.overdue_days * DAY_S if kind == "deposit" else None))
        self.conn.execute("UPDATE compartments SET item = ? WHERE locker = ? AND number = ?",
                          (cur.lastrowid, locker, number))
        if code is not None:
            name = self.lockers[locker].name_zh if locker in self.lockers else locker
            text = (f"【{self.s.sms.signature}】您的办件{detail['case_no']}已放入{name}{number}号柜，"
                    f"取件码{code}，请于{self.s.overdue_days}天内凭码领取。")
            self._sms(detail["phone"], text, now, cur.lastrowid)
        return cur.lastrowid

    def _new_code(self) -> str:
        """A code no live item has (the index refuses a clash; a clash is tried again)."""
        for _ in range(100):
            code = "".join(str(secrets.randbelow(10)) for _ in range(self.s.code_digits))
            clash = self.conn.execute("SELECT 1 FROM items WHERE code = ? AND state = 'waiting'",
                                      (self._hash(code),)).fetchone()
            if clash is None:
                return code
        raise RuntimeError("no free pickup code in 100 tries: too many live items for the code length")

    def _sms(self, phone: str, text: str, now: float, item: int) -> None:
        self.conn.execute("INSERT INTO sms (phone, text, phone_masked, created_at, next_at, item) "
                          "VALUES (?, ?, ?, ?, ?, ?)", (phone, text, mask_phone(phone), now, now, item))

    def _end(self, op_id: str, state: str, effects: Effects) -> None:
        row = self.conn.execute("SELECT locker, number, detail FROM ops WHERE id = ?", (op_id,)).fetchone()
        self.conn.execute("UPDATE ops SET state = ?, detail = '{}' WHERE id = ?",  # no phone kept
                          (state, op_id))
        if state == "failed" and '"phone"' in row[2]:  # a deposit that did not happen
            effects.erased = True
        self._asked_to_close.pop(op_id, None)
        row = row[:2]
        self.conn.execute("UPDATE compartments SET op = NULL WHERE locker = ? AND number = ? AND op = ?",
                          (*row, op_id))

    def _out_of_service(self, locker: str, number: int, why: str, now: float, effects: Effects) -> None:
        self.conn.execute("UPDATE compartments SET out_of_service = ? WHERE locker = ? AND number = ?",
                          (why, locker, number))
        text = {"stuck": "the door did not open", "forced": "opened without a command",
                "left_open": "left open"}[why]
        log.warning("%s %d out of service: %s", locker, number, text)
        effects.event("alarm", None, msg.Alarm(locker=locker, number=number, alarm=why, since=now, text=text))

    # -- time ------------------------------------------------------------------------------------
    def tick(self, now: float) -> Effects:
        """Doors not shut in time, reminders and overdue items; what SMS is due."""
        effects = Effects()
        limit = now - self.s.close_within_s
        for op in self.conn.execute("SELECT id, kind, item, kiosk, state, detail, locker, number, opened_at "
                                    "FROM ops WHERE state = 'open' AND opened_at < ?", (limit,)).fetchall():
            op_id, kind, _, kiosk, _, _, locker, number, opened_at = op
            late = now - opened_at - self.s.close_within_s
            if kind in ("deposit", "dropoff"):  # not shut in time: nothing is recorded
                effects.changed = True
                self._end(op_id, "failed", effects)
                effects.event("done", kiosk, msg.DoneEvent(op_id=op_id, kind=kind, outcome="not_closed",
                                                           locker=locker, number=number))
            elif late >= LEFT_OPEN_AFTER * self.s.close_within_s:  # nobody came back to shut it
                out = self.conn.execute("SELECT out_of_service FROM compartments WHERE locker = ? AND "
                                        "number = ?", (locker, number)).fetchone()[0]
                if out is None:
                    effects.changed = True
                    self._out_of_service(locker, number, "left_open", now, effects)
            elif now - self._asked_to_close.get(op_id, 0.0) >= CLOSE_DOOR_EVERY_S:  # 请关好柜门, now and then
                self._asked_to_close[op_id] = now
                effects.event("close-door", kiosk, msg.CloseDoor(op_id=op_id, locker=locker, number=number,
                                                                  open_s=round(now - opened_at)))
        for locker, number in self.conn.execute(
                "SELECT locker, number FROM compartments WHERE door = 'open' AND op IS NULL AND "
                "out_of_service IS NULL AND door_since < ?", (limit,)).fetchall():
            self._out_of_service(locker, number, "left_open", now, effects)
            effects.changed = True
        for item, phone, locker, number in self.conn.execute(
                "SELECT id, phone, locker, number FROM items WHERE kind = 'deposit' AND "
                "state = 'waiting' AND reminded = 0 AND placed_at < ?",
                (now - self.s.reminder_days * DAY_S,)).fetchall():
            self.conn.execute("UPDATE items SET reminded = 1 WHERE id = ?", (item,))
            if phone:
                name = self.lockers[locker].name_zh if locker in self.lockers else locker
                self._sms(phone, f"【{self.s.sms.signature}】提醒：您的办件仍在{name}{number}号柜，请尽快凭"
                          "取件码领取。", now, item)
        for item, locker, number in self.conn.execute(
                "SELECT id, locker, number FROM items WHERE kind = 'deposit' AND state = 'waiting' AND "
                "overdue = 0 AND expires_at <= ?", (now,)).fetchall():
            self.conn.execute("UPDATE items SET overdue = 1 WHERE id = ?", (item,))
            log.warning("%s %d: item %d overdue; staff to take it back", locker, number, item)
            effects.changed = True
            effects.event("alarm", None, msg.Alarm(locker=locker, number=number, alarm="overdue", since=now,
                                                   text="not collected in time: staff to take it back"))
        return effects

    # -- after a restart ---------------------------------------------------------------------------
    def snapshot(self, board: str, open_locks: frozenset[int], now: float) -> Effects:
        """A board's doors as they stand when it is first read: operations cut off by a
        restart are finished or failed by what the doors say; other open doors are news."""
        effects = Effects(changed=True)
        for (b, lock), (locker, number) in self.where.items():
            if b != board:
                continue
            is_open = lock in open_locks
            row = self.conn.execute("SELECT door FROM compartments WHERE locker = ? AND number = ?",
                                    (locker, number)).fetchone()
            self.conn.execute("UPDATE compartments SET door = ?, door_since = coalesce(?, door_since) "
                              "WHERE locker = ? AND number = ?",
                              ("open" if is_open else "shut", now if row[0] != ("open" if is_open else "shut")
                               else None, locker, number))
            op = self.conn.execute("SELECT id, kind, item, kiosk, state, detail FROM ops WHERE "
                                   "locker = ? AND number = ? AND state IN ('opening', 'open')",
                                   (locker, number)).fetchone()
            if op is None:
                continue
            if is_open:  # it did open: now wait for it to be shut
                if op[4] == "opening":
                    self.conn.execute("UPDATE ops SET state = 'open', opened_at = ? WHERE id = ?",
                                      (now, op[0]))
            elif op[4] == "open":  # shut while we were away: what it was for is done
                self._shut(op, locker, number, now, effects)
            else:  # never seen open: it did not happen; the code, the item, the place stay
                self._end(op[0], "failed", effects)
                effects.event("done", op[3], msg.DoneEvent(op_id=op[0], kind=op[1], outcome="not_opened",
                                                           locker=locker, number=number))
        return effects

    # -- what is shown ---------------------------------------------------------------------------
    def state(self, now: float | None = None) -> msg.LockerState:
        """``now``: kiosks locked for wrong codes are alarms until their lock runs out."""
        rows = self.conn.execute(
            "SELECT c.locker, c.number, c.size, c.item, c.op, c.out_of_service, c.door, c.board, i.kind, "
            "i.overdue, c.door_since FROM compartments c LEFT JOIN items i ON i.id = c.item "
            "ORDER BY c.locker, c.number").fetchall()
        views, alarms = [], []
        for locker in self.cfg.lockers:
            comps, free = [], {}
            for r in (r for r in rows if r[0] == locker.id):
                up = self.boards_up.get(r[7], False)
                state = ("offline" if not up else "out_of_service" if r[5] else "reserved" if r[4] else
                         ("dropoff" if r[8] == "dropoff" else "occupied") if r[3] else "free")
                if state == "free":
                    free[r[2]] = free.get(r[2], 0) + 1
                comps.append(msg.Compartment(number=r[1], size=r[2], state=state, door=r[6], alarm=r[5],
                                             overdue=bool(r[9])))
                if r[5]:
                    alarms.append(msg.Alarm(locker=locker.id, number=r[1], alarm=r[5], since=r[10] or 0.0,
                                            text=f"{locker.id} {r[1]}: {r[5].replace('_', ' ')}"))
                if r[9]:
                    alarms.append(msg.Alarm(locker=locker.id, number=r[1], alarm="overdue", since=0.0,
                                            text=f"{locker.id} {r[1]}: overdue, to be taken back"))
            views.append(msg.LockerView(id=locker.id, name_zh=locker.name_zh, name_en=locker.name_en,
                                        free=free, compartments=comps))
        if now is not None:
            for kiosk, until in self.conn.execute("SELECT kiosk, until FROM code_locks WHERE until > ?",
                                                  (now,)):
                since = until - self.s.wrong_lock_min * 60
                alarms.append(msg.Alarm(locker="-", alarm="wrong_codes", since=since,
                                        text=f"{kiosk} locked for wrong pickup codes"))
        for board, up in sorted(self.boards_up.items()):
            if not up:
                alarms.append(msg.Alarm(locker="-", board=board, alarm="board_offline", since=0.0,
                                        text=f"lock board {board} offline"))
        waiting = self.conn.execute("SELECT count(*) FROM sms WHERE sent_at IS NULL").fetchone()[0]
        free_total = sum(sum(v.free.values()) for v in views)
        said = "; ".join(a.text for a in alarms[:3]) + ("; …" if len(alarms) > 3 else "")
        alarmed = f"{len(alarms)} alarm(s)" + (f": {said}" if said else "")
        summary = f"{free_total} free, {alarmed}, {waiting} SMS waiting"
        return msg.LockerState(lockers=views, alarms=alarms, sms_waiting=waiting,
                               ask_id_last4=self.s.id_last4, summary=summary)

    def audit(self, limit: int) -> list[msg.AuditLine]:
        rows = self.conn.execute("SELECT at, who, kiosk, locker, number, why, outcome FROM audit "
                                 "ORDER BY rowid DESC LIMIT ?", (limit,))
        return [msg.AuditLine(at=r[0], who=r[1], kiosk=r[2], locker=r[3], number=r[4], why=r[5], outcome=r[6])
                for r in rows]
