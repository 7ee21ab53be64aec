"""The ratings' rules, over the store: a window's rating opens when its service ends, takes
one rating, closes on time; bad ratings get a follow-up with a working-day deadline; the
good rate is counted per window, clerk, service or day. No bus here: the daemon hands in
what happened and the time, and publishes what comes back.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime
from zoneinfo import ZoneInfo

from hallkit.config.model import HallConfig
from hallkit.daemons.queue.contract import EndedEvent
from hallkit.daemons.rating import contract as msg
from hallkit.daemons.rating.workdays import add_working_days
from hallkit.ids import ordered_id
from hallkit.keys import keyed_hash
from hallkit.privacy import mask_phone, mask_text
from hallkit.runtime.commands import CommandError
from hallkit.store import Migration

MIGRATIONS = (
    Migration(1, "rating windows, ratings, follow-ups, the upload outbox, exported days", """
        CREATE TABLE asks (
            id TEXT PRIMARY KEY, key TEXT NOT NULL UNIQUE, window INTEGER NOT NULL, body TEXT NOT NULL,
            expires_at REAL NOT NULL, state TEXT NOT NULL DEFAULT 'open', service_started_at REAL,
            service_ended_at REAL NOT NULL);
        CREATE INDEX asks_open ON asks(state, window);
        CREATE TABLE ratings (
            id TEXT PRIMARY KEY, ask_id TEXT NOT NULL UNIQUE, ticket_id TEXT NOT NULL, number TEXT NOT NULL,
            service TEXT NOT NULL, service_name TEXT NOT NULL, window INTEGER NOT NULL, clerk TEXT,
            channel TEXT NOT NULL, device TEXT, level INTEGER, reasons TEXT NOT NULL DEFAULT '[]',
            comment TEXT, sub_scores TEXT, phone_masked TEXT, phone_hash TEXT, rated_at REAL,
            service_started_at REAL, service_ended_at REAL NOT NULL, day TEXT NOT NULL);
        CREATE INDEX ratings_day ON ratings(day);
        CREATE TABLE follow_ups (
            rating_id TEXT PRIMARY KEY, state TEXT NOT NULL, owner TEXT NOT NULL, deadline TEXT NOT NULL,
            answer TEXT, updated_at REAL NOT NULL);
        CREATE TABLE outbox (
            seq INTEGER PRIMARY KEY, rating_id TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
            next_at REAL NOT NULL, sent_at REAL, answer TEXT);
        CREATE TABLE exported (day TEXT PRIMARY KEY, at REAL NOT NULL, ratings INTEGER NOT NULL);
    """),
    Migration(2, "uploads the platform refused for good; who changed a follow-up", """
        ALTER TABLE outbox ADD COLUMN refused_at REAL;
        ALTER TABLE follow_ups ADD COLUMN updated_by TEXT;
    """),
)
GRACE_S = 2.0  # a rating sent just before its window closed still counts


class RatingBook:
    def __init__(self, cfg: HallConfig, conn: sqlite3.Connection, settings, key: bytes,
                 channels: dict[int, str]) -> None:
        """``channels``: the windows that have a rating device, and the channel it rates on."""
        self.cfg, self.conn, self.s, self.key, self.channels = cfg, conn, settings, key, channels
        self.zone = ZoneInfo(cfg.hall.timezone)
        self.services = {s.code: s for s in cfg.services}
        self.clerks = {c.id: c for c in cfg.clerks}
        self.holidays, self.workdays = set(settings.holidays), set(settings.workdays)
        self.uploading = settings.upload.uploader != "none"

    def day_of(self, ts: float) -> date:
        return datetime.fromtimestamp(ts, self.zone).date()

    # -- a window's rating -------------------------------------------------------------------
    def open(self, ended: EndedEvent, ended_at: float, now: float) -> tuple[msg.Ask | None, list[msg.Closed]]:
        """A service ended: its window's rating opens (one a redelivered event already opened
        is left as it is). A rating still open at that window closes first."""
        if ended.window not in self.channels:
            return None, []
        key = f"{ended.ticket_id}:{ended_at!r}"
        if self.conn.execute("SELECT 1 FROM asks WHERE key = ?", (key,)).fetchone():
            return None, []
        closed = []
        for ask_id, _ in self.conn.execute("SELECT id, body FROM asks WHERE state = 'open' AND window = ?",
                                           (ended.window,)).fetchall():
            # Still rateable by its own id until it expires (a citizen mid-way on a screen).
            self.conn.execute("UPDATE asks SET state = 'replaced' WHERE id = ?", (ask_id,))
            closed.append(msg.Closed(ask_id=ask_id, window=ended.window, outcome="replaced"))
        service = self.services.get(ended.service)
        clerk = self.clerks.get(ended.clerk or "")
        ask = msg.Ask(ask_id=ordered_id(now), window=ended.window, ticket_id=ended.ticket_id,
                      number=ended.number, service=ended.service,
                      service_name_zh=service.name_zh if service else ended.service,
                      service_name_en=service.name_en if service else ended.service, clerk=ended.clerk,
                      clerk_name_zh=clerk.name_zh if clerk else None, asked_at=ended_at,
                      expires_at=ended_at + self.s.timeout_s, reasons=self.s.reasons)
        self.conn.execute("INSERT INTO asks (id, key, window, body, expires_at, service_started_at, "
                          "service_ended_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                          (ask.ask_id, key, ask.window, ask.model_dump_json(), ask.expires_at,
                           ended_at - ended.served_s, ended_at))
        if ask.expires_at <= now:  # an event held while the daemon was away: its citizen has gone
            self._close_unrated((ask.ask_id, ask.model_dump_json()), "unrated", now)
            return None, closed
        return ask, closed

    def rate(self, req: msg.Rate, channel: str, device: str | None,
             now: float) -> tuple[msg.Rated, msg.Closed]:
        row = self._ask_for(req)
        ask = msg.Ask.model_validate_json(row[1])
        if row[2] not in ("open", "replaced") or now > ask.expires_at + GRACE_S:
            raise CommandError("already_rated" if row[2] == "rated" else "no_rating_open",
                               f"window {req.window}'s rating of {ask.number} is closed: one rating per "
                               "service", "data.level")
        reasons = [r for r in req.reasons if r in self.s.reasons] if req.level <= 2 else []
        if len(reasons) != len(req.reasons) and req.level <= 2:
            raise CommandError("bad_request", "a reason not in the hall's list", "data.reasons")
        rating_id = ordered_id(now)
        # A phone or ID number typed into a comment would name the rater: masked like the logs.
        comment = mask_text(req.comment[: self.s.comment_max]) if req.comment else None
        self.conn.execute(
            "INSERT INTO ratings (id, ask_id, ticket_id, number, service, service_name, window, clerk, "
            "channel, device, level, reasons, comment, sub_scores, phone_masked, phone_hash, rated_at, "
            "service_started_at, service_ended_at, day) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "?, ?, ?, ?, ?)",
            (rating_id, ask.ask_id, ask.ticket_id, ask.number, ask.service, ask.service_name_zh, ask.window,
             ask.clerk, channel, device, req.level, json.dumps(reasons, ensure_ascii=False), comment,
             req.sub_scores.model_dump_json(exclude_none=True) if req.sub_scores else None,
             mask_phone(req.phone) if req.phone else None,
             keyed_hash(self.key, req.phone) if req.phone else None, now, row[3], row[4],
             self.day_of(now).isoformat()))
        self.conn.execute("UPDATE asks SET state = 'rated' WHERE id = ?", (ask.ask_id,))
        bad = req.level <= 2
        if bad:
            deadline = add_working_days(self.day_of(now), self.s.follow_up_days, self.holidays, self.workdays)
            self.conn.execute("INSERT INTO follow_ups (rating_id, state, owner, deadline, updated_at) "
                              "VALUES (?, 'open', ?, ?, ?)", (rating_id, self.s.follow_up_owner,
                                                              deadline.isoformat(), now))
        self._queue_upload(rating_id, now)
        return (msg.Rated(rating_id=rating_id, level=req.level, follow_up=bad),
                msg.Closed(ask_id=ask.ask_id, window=ask.window, outcome="rated", level=req.level))

    def _ask_for(self, req: msg.Rate) -> tuple:
        if req.ask_id:
            row = self.conn.execute("SELECT id, body, state, service_started_at, service_ended_at FROM asks "
                                    "WHERE id = ? AND window = ?", (req.ask_id, req.window)).fetchone()
        else:  # a pad: the window's newest rating (the one its lit keys are for)
            row = self.conn.execute("SELECT id, body, state, service_started_at, service_ended_at FROM asks "
                                    "WHERE window = ? ORDER BY id DESC LIMIT 1", (req.window,)).fetchone()
        if row is None:
            raise CommandError("no_rating_open", f"no service at window {req.window} waits for a rating",
                               "data.window")
        return row

    def expire(self, now: float) -> list[msg.Closed]:
        rows = self.conn.execute("SELECT id, body, state FROM asks WHERE state IN ('open', 'replaced') AND "
                                 "expires_at + ? <= ?", (GRACE_S, now)).fetchall()
        closed = []
        for ask_id, body, state in rows:
            done = self._close_unrated((ask_id, body), "unrated", now)
            if state == "open":  # a replaced one said it closed when it was replaced
                closed.append(done)
        return closed

    def _close_unrated(self, row: tuple, outcome: str, now: float) -> msg.Closed:
        """Nobody rated it: 未评价 where the config says so, never a default level."""
        ask = msg.Ask.model_validate_json(row[1])
        self.conn.execute("UPDATE asks SET state = 'unrated' WHERE id = ?", (ask.ask_id,))
        if self.s.record_unrated:
            times = self.conn.execute("SELECT service_started_at, service_ended_at FROM asks WHERE id = ?",
                                      (ask.ask_id,)).fetchone()
            rating_id = ordered_id(now)
            self.conn.execute(
                "INSERT INTO ratings (id, ask_id, ticket_id, number, service, service_name, window, clerk, "
                "channel, service_started_at, service_ended_at, day) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'none', "
                "?, ?, ?)",
                (rating_id, ask.ask_id, ask.ticket_id, ask.number, ask.service, ask.service_name_zh,
                 ask.window, ask.clerk, *times, self.day_of(ask.asked_at).isoformat()))
            self._queue_upload(rating_id, now)
        return msg.Closed(ask_id=ask.ask_id, window=ask.window, outcome=outcome)

    def exportable(self, day: date, now: float) -> bool:
        """A day is written once no rating of it can still come (its last ask has closed)."""
        end = datetime.combine(day, datetime.min.time(), self.zone).timestamp() + 86400
        return now > end + self.s.timeout_s + 2 * GRACE_S

    def _queue_upload(self, rating_id: str, now: float) -> None:
        if self.uploading:
            self.conn.execute("INSERT INTO outbox (rating_id, next_at) VALUES (?, ?)", (rating_id, now))

    def open_asks(self) -> list[msg.Ask]:
        return [msg.Ask.model_validate_json(r[0]) for r in
                self.conn.execute("SELECT body FROM asks WHERE state = 'open' ORDER BY window")]

    # -- follow-up ---------------------------------------------------------------------------
    def follow_up(self, req: msg.FollowUp, who: str, now: float) -> msg.RatingLine:
        row = self.conn.execute("SELECT state FROM follow_ups WHERE rating_id = ?",
                                (req.rating_id,)).fetchone()
        if row is None:
            raise CommandError("not_found", f"no bad rating {req.rating_id} to follow up", "data.rating_id")
        if row[0] == "closed":
            raise CommandError("closed", f"the follow-up of {req.rating_id} is closed", "data.rating_id")
        if req.close and row[0] != "answered" and not req.answer:
            raise CommandError("bad_request", "a follow-up is answered before it is closed", "data.close")
        self.conn.execute("UPDATE follow_ups SET updated_by = ? WHERE rating_id = ?", (who, req.rating_id))
        if req.assign:
            self.conn.execute("UPDATE follow_ups SET owner = ?, updated_at = ? WHERE rating_id = ?",
                              (req.assign, now, req.rating_id))
        if req.answer:
            self.conn.execute("UPDATE follow_ups SET state = 'answered', answer = ?, updated_at = ? "
                              "WHERE rating_id = ?", (req.answer, now, req.rating_id))
        if req.close:
            self.conn.execute("UPDATE follow_ups SET state = 'closed', updated_at = ? WHERE rating_id = ?",
                              (now, req.rating_id))
        return self.show(req.rating_id, now)

    # -- what is read --------------------------------------------------------------------------
    LINE = ("SELECT r.id, r.day, r.rated_at, r.window, r.clerk, r.service, r.number, r.channel, r.level, "
            "r.reasons, r.comment, r.phone_masked, f.state, f.owner, f.deadline, f.answer FROM ratings r "
            "LEFT JOIN follow_ups f ON f.rating_id = r.id")

    def _line(self, r: tuple, today: date) -> msg.RatingLine:
        follow = None
        if r[12] is not None:
            deadline = date.fromisoformat(r[14])
            follow = msg.FollowUpView(state=r[12], owner=r[13], deadline=deadline, answer=r[15],
                                      overdue=r[12] == "open" and today > deadline)
        return msg.RatingLine(rating_id=r[0], day=date.fromisoformat(r[1]), rated_at=r[2], window=r[3],
                              clerk=r[4], service=r[5], number=r[6], channel=r[7], level=r[8],
                              reasons=json.loads(r[9]), comment=r[10], phone_masked=r[11], follow_up=follow)

    def show(self, rating_id: str, now: float) -> msg.RatingLine:
        row = self.conn.execute(f"{self.LINE} WHERE r.id = ?", (rating_id,)).fetchone()
        if row is None:
            raise CommandError("not_found", f"no rating {rating_id}", "data.rating_id")
        return self._line(row, self.day_of(now))

    def list(self, req: msg.ListAsk, now: float) -> list[msg.RatingLine]:
        where, args = [], []
        if req.bad:
            where.append("r.level <= 2")
        if req.open:
            where.append("f.state IS NOT NULL AND f.state != 'closed'")
        if req.day:
            where.append("r.day = ?")
            args.append(req.day.isoformat())
        sql = f"{self.LINE} {'WHERE ' + ' AND '.join(where) if where else ''} ORDER BY r.id DESC LIMIT ?"
        today = self.day_of(now)
        return [self._line(r, today) for r in self.conn.execute(sql, (*args, req.limit))]

    def day_lines(self, day: date, rating_id: str | None = None) -> list[tuple]:
        """A day's ratings (or one of them) with their follow-up, for the files and the platform."""
        return self.conn.execute(
            "SELECT r.id, r.ticket_id, r.number, r.service, r.service_name, r.window, r.clerk, r.channel, "
            "r.level, r.sub_scores, r.reasons, r.comment, r.phone_masked, r.rated_at, r.service_started_at, "
            "r.service_ended_at, f.state, f.owner, f.deadline, f.answer FROM ratings r "
            "LEFT JOIN follow_ups f ON f.rating_id = r.id WHERE r.day = ? AND (? IS NULL OR r.id = ?) "
            "ORDER BY r.id", (day.isoformat(), rating_id, rating_id)).fetchall()

    def stats(self, req: msg.StatsAsk) -> list[msg.StatsRow]:
        column = {"window": "window", "clerk": "coalesce(clerk, '-')", "service": "service",
                  "day": "day"}[req.by]
        rows = self.conn.execute(
            f"SELECT {column}, count(*), count(level), sum(level >= 4), sum(level <= 2) FROM ratings "
            f"WHERE day BETWEEN ? AND ? GROUP BY 1 ORDER BY 1",
            (req.since.isoformat(), req.until.isoformat()))
        return [msg.StatsRow(key=str(k), services=n, rated=rated, good=good or 0, bad=bad or 0,
                             good_rate=round((good or 0) / rated, 4) if rated else None)
                for k, n, rated, good, bad in rows]

    def state(self, now: float) -> msg.RatingState:
        today = self.day_of(now)
        rated, good = self.conn.execute("SELECT count(level), sum(level >= 4) FROM ratings WHERE day = ?",
                                        (today.isoformat(),)).fetchone()
        open_, overdue = self.conn.execute(
            "SELECT count(*), sum(deadline < ?) FROM follow_ups WHERE state = 'open'",
            (today.isoformat(),)).fetchone()
        waiting, refused = self.conn.execute("SELECT count(*) - count(refused_at), count(refused_at) "
                                             "FROM outbox WHERE sent_at IS NULL").fetchone()
        rate = round((good or 0) / rated, 4) if rated else None
        summary = (f"{rated} rated today" + (f", 好评率 {rate:.1%}" if rate is not None else "")
                   + f", {open_} follow-up(s) open" + (f", {overdue} OVERDUE" if overdue else "")
                   + (f", {waiting} to upload" if waiting else "")
                   + (f", {refused} REFUSED by the platform" if refused else ""))
        return msg.RatingState(asks=self.open_asks(), today_rated=rated, today_good_rate=rate,
                               follow_ups_open=open_, follow_ups_overdue=overdue or 0, outbox_waiting=waiting,
                               summary=summary)
