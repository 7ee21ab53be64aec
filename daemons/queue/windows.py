"""What a clerk does at a window: log in, call, recall, no-show, transfer, hold, end, pause."""

from __future__ import annotations

import sqlite3

from hallkit.daemons.queue import contract as q
from hallkit.daemons.queue import selection
from hallkit.daemons.queue.base import Effects, EngineBase
from hallkit.daemons.queue.lanes import LANE_APPOINTMENT, is_priority
from hallkit.daemons.queue.place import played_out_place
from hallkit.runtime.commands import CommandError


class WindowOps(EngineBase):
    # -- guards -------------------------------------------------------------------
    def _open_window(self, number: int) -> sqlite3.Row:
        row = self.window_row(number)
        if row["clerk"] is None:
            raise CommandError("not_logged_in", f"{number}号窗口未登录 / window {number} has no clerk "
                               "logged in", "data.window")
        if row["paused"]:
            raise CommandError("paused", f"{number}号窗口暂停服务 / window {number} is paused",
                               "data.window")
        return row

    def _current(self, number: int) -> tuple[sqlite3.Row, sqlite3.Row]:
        row = self._open_window(number)
        if row["ticket"] is None:
            raise CommandError("no_current", f"window {number} is serving nobody now", "data.window")
        return row, self.one("SELECT * FROM tickets WHERE id = ?", (row["ticket"],))

    def _serve(self, window: sqlite3.Row, ticket: sqlite3.Row, now: float, fx: Effects,
               ended: str | None = None) -> q.Called:
        number = window["number"]
        self.conn.execute(
            "UPDATE tickets SET state = 'called', window = ?, target_window = NULL, called_at = ?,"
            " recalls = 0, clerk = ? WHERE id = ?", (number, now, window["clerk"], ticket["id"]))
        self.conn.execute("UPDATE windows SET ticket = ? WHERE number = ?", (ticket["id"], number))
        self.log(ticket["id"], "called", now, number, window["clerk"])
        self._called_event(ticket, number, 0, fx)
        fx.services = True
        fx.windows.add(number)
        return q.Called(ticket_id=ticket["ticket_id"], number=ticket["number"],
                        service=ticket["service"], window=number, recall=0, ended=ended)

    def _called_event(self, ticket, window: int, recall: int, fx: Effects) -> None:
        w = self.windows[window]
        fx.event("called", q.CalledEvent(
            ticket_id=ticket["ticket_id"], number=ticket["number"], service=ticket["service"],
            window=window, window_label_zh=w.label_zh, window_label_en=w.label_en, recall=recall))

    def _finish_current(self, window: sqlite3.Row, now: float, fx: Effects) -> str | None:
        """End the ticket in service (calling the next one implies it is done)."""
        if window["ticket"] is None:
            return None
        return self.end(window["number"], now, fx).number

    # -- calling --------------------------------------------------------------------
    def call_next(self, number: int, now: float, fx: Effects) -> q.Called:
        row = self._open_window(number)
        w = self.windows[number]
        day = self.day(now)
        counters, ratios = self._since_priority(), self.ratios
        head = selection.pick_next(self.conn, day, number, w.services, w.call_order, counters, ratios)
        if head is None:
            raise CommandError("no_ticket", f"无人等候 / nobody is waiting for window {number}")
        ended = self._finish_current(row, now, fx)
        self.conn.execute("UPDATE lanes SET normal_since_priority = ? WHERE service = ?",
                          (selection.since_priority_after(head, counters.get(head.service, 0)),
                           head.service))
        ticket = self.one("SELECT * FROM tickets WHERE id = ?", (head.id,))
        return self._serve(self.window_row(number), ticket, now, fx, ended)

    def call_number(self, number: int, ticket_number: str, now: float, fx: Effects) -> q.Called:
        row = self._open_window(number)
        t = self.ticket_by_number(ticket_number, self.day(now))
        if t is None:
            raise CommandError("not_found", f"今天没有 {ticket_number} 号 / no ticket {ticket_number} "
                               "today", "data.number")
        if t["state"] not in ("waiting", "no_show"):
            raise CommandError("wrong_state", f"ticket {ticket_number} is {t['state']}", "data.number")
        w = self.windows[number]
        if t["service"] not in w.services and t["target_window"] != number:
            raise CommandError("not_served_here", f"{ticket_number} is for {t['service']}, which "
                               f"window {number} does not serve", "data.number")
        ended = self._finish_current(row, now, fx)
        return self._serve(self.window_row(number), t, now, fx, ended)

    def recall(self, number: int, now: float, fx: Effects) -> q.Called:
        row, t = self._current(number)
        limit = self.services[t["service"]].rules.max_recalls
        if t["recalls"] >= limit:
            raise CommandError("recall_limit", f"{t['number']} was recalled {limit} times already; "
                               "mark it no-show or end it")
        self.conn.execute("UPDATE tickets SET recalls = recalls + 1 WHERE id = ?", (t["id"],))
        self.log(t["id"], "recalled", now, number, row["clerk"])
        self._called_event(t, number, t["recalls"] + 1, fx)
        fx.windows.add(number)
        return q.Called(ticket_id=t["ticket_id"], number=t["number"], service=t["service"],
                        window=number, recall=t["recalls"] + 1)

    def no_show(self, number: int, now: float, fx: Effects) -> q.NoShowDone:
        row, t = self._current(number)
        rules = self.services[t["service"]].rules
        self.conn.execute("UPDATE windows SET ticket = NULL WHERE number = ?", (number,))
        if rules.no_show == "requeue" and t["requeues"] < rules.requeue_max:
            key = selection.requeue_key(self.conn, t["day"], t["service"], t["lane"],
                                        rules.requeue_back, now)
            self.conn.execute("UPDATE tickets SET state = 'waiting', queue_key = ?, requeues ="
                              " requeues + 1 WHERE id = ?", (key, t["id"]))
            outcome = "requeued"
        else:
            self.conn.execute("UPDATE tickets SET state = 'no_show', ended_at = ? WHERE id = ?",
                              (now, t["id"]))
            outcome = "dropped"
        self.log(t["id"], f"no_show:{outcome}", now, number, row["clerk"])
        fx.event("no-show", q.TicketEvent(ticket_id=t["ticket_id"], number=t["number"],
                                          service=t["service"], window=number, detail=outcome))
        fx.services = True
        fx.windows.add(number)
        return q.NoShowDone(ticket_id=t["ticket_id"], number=t["number"], outcome=outcome)

    def transfer(self, number: int, req: q.Transfer, now: float, fx: Effects) -> q.Transferred:
        row, t = self._current(number)
        service, target = t["service"], None
        if req.to_service is not None:
            service = self.service(req.to_service, "data.to_service").code
            if service == t["service"]:
                raise CommandError("bad_request", f"{t['number']} is already for {service}",
                                   "data.to_service")
        else:
            self.window_cfg(req.to_window, "data.to_window")
            if req.to_window == number:
                raise CommandError("bad_request", "cannot transfer to the same window", "data.to_window")
            target = req.to_window
        # The ticket keeps its original take time as its place in the new line.
        self.conn.execute("UPDATE tickets SET state = 'waiting', service = ?, target_window = ?,"
                          " queue_key = taken_at WHERE id = ?", (service, target, t["id"]))
        self.conn.execute("UPDATE windows SET ticket = NULL WHERE number = ?", (number,))
        detail = f"service {service}" if target is None else f"window {target}"
        self.log(t["id"], "transferred", now, number, row["clerk"], detail)
        fx.event("transferred", q.TicketEvent(ticket_id=t["ticket_id"], number=t["number"],
                                              service=service, window=number, detail=detail))
        fx.services = True
        fx.windows.add(number)
        return q.Transferred(ticket_id=t["ticket_id"], number=t["number"], service=service,
                             target_window=target)

    def hold(self, number: int, now: float, fx: Effects) -> q.TicketAtWindow:
        row, t = self._current(number)
        self.conn.execute("UPDATE tickets SET state = 'held' WHERE id = ?", (t["id"],))
        self.conn.execute("UPDATE windows SET ticket = NULL WHERE number = ?", (number,))
        self.log(t["id"], "held", now, number, row["clerk"])
        fx.windows.add(number)
        fx.services = True  # the window's waiting count may change
        return q.TicketAtWindow(ticket_id=t["ticket_id"], number=t["number"])

    def resume(self, number: int, ticket_number: str, now: float, fx: Effects) -> q.Called:
        row = self._open_window(number)
        t = self.ticket_by_number(ticket_number, self.day(now))
        if t is None or t["state"] != "held" or t["window"] != number:
            raise CommandError("not_found", f"{ticket_number} is not on hold at window {number}",
                               "data.number")
        if row["ticket"] is not None:
            raise CommandError("busy", f"window {number} is serving another ticket; end or hold "
                               "it first", "data.window")
        self.conn.execute("UPDATE tickets SET state = 'called' WHERE id = ?", (t["id"],))
        self.conn.execute("UPDATE windows SET ticket = ? WHERE number = ?", (t["id"], number))
        self.log(t["id"], "resumed", now, number, row["clerk"])
        self._called_event(t, number, 0, fx)
        fx.windows.add(number)
        return q.Called(ticket_id=t["ticket_id"], number=t["number"], service=t["service"],
                        window=number, recall=0)

    def end(self, number: int, now: float, fx: Effects) -> q.Ended:
        row, t = self._current(number)
        self.conn.execute("UPDATE tickets SET state = 'done', ended_at = ? WHERE id = ?", (now, t["id"]))
        self._service_times.pop(t["service"], None)  # its recent service time just changed
        self.conn.execute("UPDATE windows SET ticket = NULL WHERE number = ?", (number,))
        self.log(t["id"], "done", now, number, row["clerk"])
        served = round(now - t["called_at"], 1)
        fx.event("ended", q.EndedEvent(
            ticket_id=t["ticket_id"], number=t["number"], service=t["service"], window=number,
            clerk=row["clerk"], served_s=served, waited_s=round(t["called_at"] - t["taken_at"], 1)))
        fx.windows.add(number)
        fx.services = True
        return q.Ended(ticket_id=t["ticket_id"], number=t["number"], served_s=served)

    # -- the window itself --------------------------------------------------------------
    def pause(self, number: int, paused: bool | None, now: float, fx: Effects) -> q.WindowStatus:
        row = self.window_row(number)
        if row["clerk"] is None:
            raise CommandError("not_logged_in", f"window {number} has no clerk logged in", "data.window")
        want = (not row["paused"]) if paused is None else paused
        if want and row["ticket"] is not None:
            raise CommandError("busy", f"window {number} is serving a ticket; end or hold it first")
        self.conn.execute("UPDATE windows SET paused = ? WHERE number = ?", (int(want), number))
        fx.windows.add(number)
        fx.services = True
        return self.window_status(number)

    def login(self, number: int, clerk: str, pin: str | None, now: float, fx: Effects, *,
              sender: str = "") -> q.WindowStatus:
        row = self.window_row(number)
        self.gate.check(clerk, pin, sender, now)
        if row["ticket"] is not None and row["clerk"] != clerk:
            raise CommandError("busy", f"window {number} is serving a ticket for clerk {row['clerk']}")
        # A clerk works at one window: logging in here logs them out elsewhere.
        for other in self.all("SELECT number, ticket FROM windows WHERE clerk = ? AND number != ?",
                              (clerk, number)):
            if other["ticket"] is not None:
                raise CommandError("busy", f"clerk {clerk} is serving at window {other['number']}; "
                                   "end or hold that ticket first", "data.clerk")
            self.conn.execute("UPDATE windows SET clerk = NULL, paused = 0 WHERE number = ?",
                              (other["number"],))
            fx.windows.add(other["number"])
        self.conn.execute("UPDATE windows SET clerk = ?, paused = 0 WHERE number = ?", (clerk, number))
        fx.windows.add(number)
        fx.services = True
        return self.window_status(number)

    def logout(self, number: int, now: float, fx: Effects) -> q.WindowStatus:
        row = self.window_row(number)
        if row["ticket"] is not None:
            raise CommandError("busy", f"window {number} is serving a ticket; end or hold it first")
        if self.conn.execute("SELECT 1 FROM tickets WHERE state = 'held' AND window = ?"
                             " AND day = ?", (number, self.day(now))).fetchone():
            raise CommandError("busy", f"window {number} has tickets on hold; resume and end them first")
        self.conn.execute("UPDATE windows SET clerk = NULL, paused = 0 WHERE number = ?", (number,))
        fx.windows.add(number)
        fx.services = True
        return self.window_status(number)

    def window_status(self, number: int) -> q.WindowStatus:
        row = self.window_row(number)
        return q.WindowStatus(window=number, state=mode(row), clerk=row["clerk"])

    def window_next(self, number: int, limit: int, now: float) -> q.WindowQueue:
        """The next tickets this window would call, in order, without calling them."""
        w = self.window_cfg(number)
        rows, targeted, untargeted = self._waiting_at(number, w.services, self.day(now))
        by_id = {r["id"]: r for r in rows}
        order = selection.upcoming(targeted, untargeted, w.services, w.call_order,
                                   self._since_priority(), self.ratios, limit)
        return q.WindowQueue(window=number, waiting=len(rows), tickets=[
            q.NextTicket(number=r["number"], service=r["service"], waited_s=round(now - r["taken_at"], 1),
                         priority=is_priority(r["lane"]), appointment=r["lane"] == LANE_APPOINTMENT)
            for r in (by_id[h.id] for h in order)])

    def place_of(self, ticket: sqlite3.Row) -> int:
        """People ahead of a waiting ticket: its place in the play-out of each window that can
        call it, the smallest (place.py); by its service alone where no window serves it."""
        target = ticket["target_window"]
        numbers = [target] if target is not None else self.windows_of.get(ticket["service"], [])
        holding = {w for (w,) in self.conn.execute(  # windows with tickets transferred to them
            "SELECT DISTINCT target_window FROM waiting_counts WHERE day = ? AND n > 0"
            " AND target_window != 0", (ticket["day"],))}
        candidates, alike = {}, set()
        for n in numbers:
            w = self.windows[n]
            shape = (tuple(w.services), w.call_order)
            if n not in holding and shape in alike:
                continue  # plays out like a window already counted
            if n not in holding:
                alike.add(shape)
            _, targeted, untargeted = self._waiting_at(n, w.services, ticket["day"])
            candidates[n] = (targeted, untargeted, w.services, w.call_order)
        if not candidates:
            _, _, untargeted = self._waiting_at(None, [ticket["service"]], ticket["day"])
            candidates[0] = ([], untargeted, [ticket["service"]], "longest_wait")
        place = played_out_place(ticket, candidates, self._since_priority(), self.ratios)
        return place if place is not None else 0

    def _waiting_at(self, number: int | None, services: list[str], day: str):
        """(rows, heads transferred to the window, heads of its services' own lines)."""
        marks = ",".join("?" * len(services))
        rows = self.all(
            f"SELECT * FROM tickets WHERE day = ? AND state = 'waiting' AND ((service IN ({marks})"
            " AND target_window IS NULL) OR target_window = ?)", (day, *services, number))
        heads = [(r["target_window"], selection.Head(r["id"], r["service"], r["lane"], r["queue_key"]))
                 for r in rows]
        return (rows, [h for t, h in heads if t is not None and t == number],
                [h for t, h in heads if t is None])



def mode(row: sqlite3.Row) -> str:
    if row["clerk"] is None:
        return "closed"
    if row["paused"]:
        return "paused"
    return "serving" if row["ticket"] is not None else "idle"
