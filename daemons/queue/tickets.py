"""Taking, checking in, cancelling and looking up tickets; the daily rollover."""

from __future__ import annotations

import hmac
import logging
from datetime import date, datetime, timedelta

from hallkit.daemons.queue import contract as q
from hallkit.daemons.queue.base import Effects, EngineBase
from hallkit.daemons.queue.day import at_time, day_bounds
from hallkit.daemons.queue.lanes import LANE_APPOINTMENT, LANE_NORMAL, LANE_PRIORITY, is_priority
from hallkit.daemons.queue.place import newest_place
from hallkit.ids import ordered_id
from hallkit.privacy import mask_id, mask_phone
from hallkit.runtime.commands import CommandError
from hallkit.runtime.hours import is_open

STATE_ZH = {"called": "叫号", "held": "挂起", "done": "办结", "no_show": "过号", "cancelled": "取消",
            "expired": "过期"}

log = logging.getLogger(__name__)


class TicketOps(EngineBase):
    def rollover(self, now: float, fx: Effects) -> bool:
        """Start a new business day: leftovers expire, windows close. True if it rolled."""
        today = self.day(now)
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'day'").fetchone()
        if row and row[0] == today:
            return False
        left = self.all("SELECT id FROM tickets WHERE day < ? AND state IN ('waiting','called','held')",
                        (today,))
        for t in left:
            self.log(t["id"], "expired", now)
        self.conn.execute("UPDATE tickets SET state = 'expired' WHERE day < ?"
                          " AND state IN ('waiting', 'called', 'held')", (today,))
        self.conn.execute("UPDATE windows SET clerk = NULL, paused = 0, ticket = NULL")
        for code, svc in self.services.items():
            self.conn.execute("UPDATE lanes SET normal_since_priority = ? WHERE service = ?",
                              (svc.rules.priority_ratio, code))
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('day', ?)", (today,))
        self.forget_personal(now)
        fx.services = True
        fx.windows.update(self.windows)
        return True

    def forget_personal(self, now: float) -> int:
        """Erase masked ID and phone numbers and their hashes older than ``[privacy] keep_days``;
        the tickets themselves stay for the figures. Returns how many rows lost them."""
        days = self.cfg.privacy.keep_days
        cutoff = (date.fromisoformat(self.day(now)) - timedelta(days=days)).isoformat()
        personal = "id_hash IS NOT NULL OR id_masked IS NOT NULL OR phone_hash IS NOT NULL" \
                   " OR phone_masked IS NOT NULL"
        erase = "id_hash = NULL, id_masked = NULL, phone_hash = NULL, phone_masked = NULL"
        tickets = self.conn.execute(f"UPDATE tickets SET {erase} WHERE day < ? AND ({personal})",
                                    (cutoff,)).rowcount
        appointments = self.conn.execute(
            f"UPDATE appointments SET {erase} WHERE start < ? AND ({personal})",
            (now - days * 86400,)).rowcount
        if tickets or appointments:
            log.info("erased the personal data of %d tickets and %d appointments older than %d days",
                     tickets, appointments, days)
        return tickets + appointments

    # -- issue ----------------------------------------------------------------------
    def issue(self, req: q.Issue, now: float, fx: Effects, *, lane: int | None = None,
              appointment: str | None = None) -> q.TicketIssued:
        svc = self.service(req.service)
        rules = svc.rules
        if req.kiosk is not None and req.kiosk not in self.kiosks:
            raise CommandError("unknown_kiosk", f"no kiosk {req.kiosk!r} in the hall config; there "
                               f"are {', '.join(sorted(self.kiosks)) or 'none'}", "data.kiosk")
        if not rules.open_outside_hours and not is_open(self.cfg.hall.opening_hours,
                                                        datetime.fromtimestamp(now, self.tz)):
            raise CommandError("closed", f"{svc.name_zh}现在不办理业务 / {svc.name_en} is closed now; "
                               "see the opening hours")
        day = self.day(now)
        issued_today = self._issued(day, svc.code)
        self._check_quota(svc, day, now, issued_today)
        if svc.ask_id == "required" and not req.id_number and appointment is None:
            # (an appointment names its holder already)
            raise CommandError("id_required", f"{svc.name_zh}需要身份证号 / {svc.name_en} needs the "
                               "citizen's ID number: read the ID card or type the number",
                               "data.id_number")
        id_hash, phone_hash = self.hash(req.id_number), self.hash(req.phone)
        if id_hash and rules.one_ticket_per_id:
            held = self.one("SELECT number FROM tickets WHERE day = ? AND id_hash = ?"
                            " AND origin_service = ? AND state IN ('waiting', 'called', 'held')",
                            (day, id_hash, svc.code))
            if held:
                raise CommandError("duplicate", f"您已取{svc.name_zh}号 {held['number']} / you already "
                                   f"hold ticket {held['number']} for {svc.name_en}", "data.id_number")
        if lane is None:
            lane = LANE_PRIORITY if req.priority_class else LANE_NORMAL
        if req.priority_class and req.priority_class not in svc.priority_classes:
            raise CommandError("bad_request", f"{svc.name_en} has no priority class "
                               f"{req.priority_class!r}", "data.priority_class")
        seq = issued_today + 1
        self.conn.execute("INSERT INTO counters VALUES (?, ?, 1) ON CONFLICT DO UPDATE SET last = last + 1",
                          (day, svc.code))  # an upsert: REPLACE deletes and inserts
        number = f"{svc.prefix}{seq:0{svc.number_digits}d}"
        ticket_id = ordered_id(now, 4)
        key = self._line_key(day, now)
        id_masked = req.id_number and mask_id(req.id_number)
        phone_masked = req.phone and mask_phone(req.phone)
        cur = self.conn.execute(
            "INSERT INTO tickets (ticket_id, day, service, origin_service, number, state, lane,"
            " priority_class, appointment, taken_at, queue_key, kiosk, id_hash, id_masked,"
            " phone_hash, phone_masked) VALUES (?, ?, ?, ?, ?, 'waiting', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (ticket_id, day, svc.code, svc.code, number, lane, req.priority_class, appointment, now,
             key, req.kiosk, id_hash, id_masked, phone_hash, phone_masked))
        self.log(cur.lastrowid, "issued", now, detail=req.kiosk)
        ahead = self._newest_place(day, svc.code, lane, cur.lastrowid)
        issued = q.TicketIssued(
            ticket_id=ticket_id, secret=self.secret(ticket_id), number=number, service=svc.code,
            service_name_zh=svc.name_zh, service_name_en=svc.name_en, day=day, taken_at=now, ahead=ahead,
            est_wait_s=self.estimate(svc.code, ahead, now), priority_class=req.priority_class,
            appointment=appointment is not None, id_masked=id_masked, phone_masked=phone_masked)
        # Built from a validated reply: no second validation on the hot path.
        fx.event("issued", q.IssuedEvent.model_construct(**dict(issued), kiosk=req.kiosk))
        fx.services = True
        return issued

    def _newest_place(self, day: str, service: str, lane: int, row_id: int) -> int:
        """People ahead of the ticket just taken, by the counts the triggers keep (place.py)."""
        waiting: dict[tuple[str, bool], int] = {}
        targeted: dict[int, int] = {}
        targeted_same: set[int] = set()
        for s, window, prio, n in self.conn.execute(
                "SELECT service, target_window, priority, n FROM waiting_counts WHERE day = ?"
                " AND n > 0", (day,)):
            if window:
                targeted[window] = targeted.get(window, 0) + n
                if s == service:
                    targeted_same.add(window)
            else:
                waiting[s, bool(prio)] = n
        place = newest_place(service, is_priority(lane), self.window_groups[service], waiting,
                             targeted, self._since_priority(), self.ratios, targeted_same)
        if place is None:  # rare: a transferred ticket of its service waits; play it out
            place = self.place_of(self.one("SELECT * FROM tickets WHERE id = ?", (row_id,)))
        return place

    def _line_key(self, day: str, now: float) -> float:
        """The take time, nudged to be 1 ms after the day's last one: places in line are
        distinct, so a requeue or a count of people ahead never ties."""
        last = self.conn.execute("SELECT MAX(queue_key) FROM tickets WHERE day = ?",
                                 (day,)).fetchone()[0]
        return now if last is None or now >= last + 0.001 else last + 0.001

    def _issued(self, day: str, service: str) -> int:
        """Tickets issued today for the service: the last number handed out."""
        row = self.conn.execute("SELECT last FROM counters WHERE day = ? AND service = ?",
                                (day, service)).fetchone()
        return row[0] if row else 0

    def _check_quota(self, svc, day: str, now: float, issued: int) -> None:
        sold_out = CommandError("sold_out", f"今日{svc.name_zh}号已取完 / today's tickets for "
                                f"{svc.name_en} are all taken", "data.service")
        if svc.daily_quota and issued >= svc.daily_quota:
            raise sold_out
        rules = svc.rules
        if not (rules.quota_am or rules.quota_pm):
            return
        noon = at_time(date.fromisoformat(day), self.cfg.hall.noon, self.cfg.hall.day_starts_at, self.tz)
        morning = now < noon
        limit = rules.quota_am if morning else rules.quota_pm
        if not limit:
            return
        # In the morning every ticket of the day so far is a morning ticket.
        count = issued if morning else issued - self._morning_count(day, svc.code, noon)
        if count >= limit:
            half = ("上午", "this morning") if morning else ("下午", "this afternoon")
            raise CommandError("sold_out", f"{half[0]}{svc.name_zh}号已取完 / {svc.name_en} tickets "
                               f"for {half[1]} are all taken", "data.service")

    def _morning_count(self, day: str, service: str, noon: float) -> int:
        """Tickets taken before noon: read once per afternoon (no index serves it, and
        after noon it cannot change)."""
        key = (day, service)
        if key not in self._morning_counts:
            self._morning_counts = {k: n for k, n in self._morning_counts.items() if k[0] == day}
            self._morning_counts[key] = self.conn.execute(
                "SELECT COUNT(*) FROM tickets WHERE day = ? AND origin_service = ? AND taken_at < ?",
                (day, service, noon)).fetchone()[0]
        return self._morning_counts[key]

    # -- appointments ---------------------------------------------------------------
    def add_appointment(self, req: q.AppointmentAdd, now: float, fx: Effects) -> q.Booked:
        self.service(req.service)
        if self.one("SELECT code FROM appointments WHERE code = ?", (req.code,)):
            raise CommandError("duplicate", f"appointment {req.code} exists already", "data.code")
        self.conn.execute(
            "INSERT INTO appointments VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)",
            (req.code, req.service, req.start, self.hash(req.id_number),
             req.id_number and mask_id(req.id_number), self.hash(req.phone),
             req.phone and mask_phone(req.phone), now))
        return q.Booked(code=req.code)

    def check_in(self, req: q.CheckIn, now: float, fx: Effects) -> q.TicketIssued:
        if req.id_number is not None:
            start, end = day_bounds(date.fromisoformat(self.day(now)), self.cfg.hall.day_starts_at,
                                    self.tz)
            appt = self.one("SELECT * FROM appointments WHERE id_hash = ? AND start >= ? AND start < ?"
                            " ORDER BY ticket IS NOT NULL, abs(start - ?) LIMIT 1",
                            (self.hash(req.id_number), start, end, now))
            if appt is None:
                raise CommandError("not_found", "今天没有用此身份证的预约 / no appointment today for "
                                   "this ID card", "data.id_number")
        else:
            appt = self.one("SELECT * FROM appointments WHERE code = ?", (req.code,))
        if appt is None:
            raise CommandError("not_found", "没有这个预约码 / no appointment with this code", "data.code")
        code = appt["code"]
        if appt["ticket"] is not None:
            t = self.one("SELECT number FROM tickets WHERE id = ?", (appt["ticket"],))
            raise CommandError("duplicate", f"已签到，号码 {t['number']} / already checked in as "
                               f"{t['number']}", "data.code")
        rules = self.service(appt["service"]).rules
        opens = appt["start"] - rules.appointment_early_min * 60
        closes = appt["start"] + rules.appointment_late_min * 60
        fmt = lambda ts: datetime.fromtimestamp(ts, self.tz).strftime("%H:%M")  # noqa: E731
        if now < opens:
            raise CommandError("too_early", f"请于{fmt(opens)}后签到 / check-in opens at {fmt(opens)}",
                               "data.code")
        if now > closes:
            raise CommandError("too_late", f"预约已过签到时间{fmt(closes)} / check-in closed at "
                               f"{fmt(closes)}; please take a normal ticket", "data.code")
        issue = q.Issue(service=appt["service"], kiosk=req.kiosk)
        issued = self.issue(issue, now, fx, lane=LANE_APPOINTMENT, appointment=code)
        ticket = self.one("SELECT id FROM tickets WHERE ticket_id = ?", (issued.ticket_id,))
        self.conn.execute("UPDATE tickets SET id_hash = ?, id_masked = ?, phone_hash = ?,"
                          " phone_masked = ? WHERE id = ?", (appt["id_hash"], appt["id_masked"],
                          appt["phone_hash"], appt["phone_masked"], ticket["id"]))
        self.conn.execute("UPDATE appointments SET ticket = ? WHERE code = ?", (ticket["id"], code))
        return issued.model_copy(update={"id_masked": appt["id_masked"],
                                         "phone_masked": appt["phone_masked"]})

    # -- cancel and look up ---------------------------------------------------------------
    def find(self, ref: q.TicketRef, now: float):
        if ref.ticket_id:
            t = self.one("SELECT * FROM tickets WHERE ticket_id = ?", (ref.ticket_id,))
        else:
            t = self.ticket_by_number(ref.number, self.day(now))
        if t is None:
            raise CommandError("not_found", "没有这张票 / no such ticket today",
                               "data.ticket_id" if ref.ticket_id else "data.number")
        return t

    def cancel(self, ref: q.TicketRef, now: float, fx: Effects, *, holder: bool = False) -> q.Cancelled:
        """``holder``: the sender is the citizen (at a kiosk), who proves the ticket is theirs
        with the id and secret from its QR code; clerks and ops may name any ticket."""
        if holder and not (ref.ticket_id and ref.secret
                           and hmac.compare_digest(ref.secret, self.secret(ref.ticket_id))):
            raise CommandError("forbidden", "请扫描号票上的二维码取消 / scan the ticket's QR code to "
                               "cancel it: a kiosk cancels only with the ticket's id and secret",
                               "data.secret")
        t = self.find(ref, now)
        if t["state"] not in ("waiting", "held"):
            raise CommandError("wrong_state", f"ticket {t['number']} is {t['state']}; only a waiting "
                               "or held ticket can be cancelled")
        self.conn.execute("UPDATE tickets SET state = 'cancelled', ended_at = ? WHERE id = ?",
                          (now, t["id"]))
        self.log(t["id"], "cancelled", now)
        fx.services = True
        if t["state"] == "held":
            fx.windows.add(t["window"])
        return q.Cancelled(ticket_id=t["ticket_id"], number=t["number"])

    def reprint(self, ref: q.TicketRef, now: float, fx: Effects, *,
                by_kiosk: str | None = None) -> q.TicketIssued:
        """Print a waiting ticket again at the kiosk it was taken at, with today's figures
        (the printer never prints a slip late on its own: the citizen asks)."""
        t = self.find(ref, now)
        if by_kiosk is not None and (ref.ticket_id is None or t["kiosk"] != by_kiosk):
            raise CommandError("forbidden", "a kiosk reprints only the tickets taken at it, by their "
                               "id", "data.ticket_id")
        if t["state"] != "waiting":
            raise CommandError("wrong_state", f"{t['number']} 已{STATE_ZH.get(t['state'], '结束')}，"
                               f"无需补打 / ticket {t['number']} is {t['state']}: nothing to reprint")
        if t["kiosk"] is None:
            raise CommandError("no_printer", f"{t['number']} was not taken at a kiosk: there is no "
                               "printer to print it on")
        svc = self.services[t["service"]]
        ahead = self.place_of(t)
        issued = q.TicketIssued(
            ticket_id=t["ticket_id"], secret=self.secret(t["ticket_id"]), number=t["number"],
            service=svc.code, service_name_zh=svc.name_zh, service_name_en=svc.name_en,
            day=t["day"], taken_at=t["taken_at"], ahead=ahead,
            est_wait_s=self.estimate(svc.code, ahead, now), priority_class=t["priority_class"],
            appointment=t["appointment"] is not None, id_masked=t["id_masked"],
            phone_masked=t["phone_masked"])
        fx.event("reprint", q.IssuedEvent(**dict(issued), kiosk=t["kiosk"]))
        return issued

    def status(self, ref: q.TicketRef, now: float) -> q.TicketStatus:
        t = self.find(ref, now)
        ahead = est = None
        if t["state"] == "waiting":
            ahead = self.place_of(t)
            est = self.estimate(t["service"], ahead, now)
        return q.TicketStatus(
            ticket_id=t["ticket_id"], number=t["number"], service=t["service"], state=t["state"],
            day=t["day"], taken_at=t["taken_at"], ahead=ahead, est_wait_s=est,
            window=t["window"] if t["state"] in ("called", "held") else None)

