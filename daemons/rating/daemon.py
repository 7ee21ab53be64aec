"""The rating daemon (好差评): when a window ends a service, that window's rating opens; the
rating devices answer; bad ratings go to follow-up; every day's ratings go to files and,
where configured, to the provincial platform."""

from __future__ import annotations

import asyncio
import logging
from datetime import date
from importlib import import_module

from hallkit.contract.envelope import EventOf, event_json
from hallkit.contract.topics import Topics
from hallkit.daemons.queue.contract import EndedEvent
from hallkit.daemons.rating import contract as msg
from hallkit.daemons.rating import upload
from hallkit.daemons.rating.book import MIGRATIONS, RatingBook
from hallkit.daemons.rating.export import records, write_day
from hallkit.keys import key_file
from hallkit.plugins import family
from hallkit.plugins.family import Family, load_attr
from hallkit.runtime.commands import CommandContext, CommandError, handles
from hallkit.runtime.daemon import Daemon, keep_running

log = logging.getLogger(__name__)

TICK_S = 1.0
UPLOAD_EVERY_S = 2.0


def channel_of(cfg, device: str) -> str:
    """The channel a rating device's family files its ratings on (its codec's CHANNEL)."""
    return import_module(family(cfg.devices[device].family).codec).CHANNEL


def rating_devices(cfg) -> dict[int, tuple[str, Family]]:
    """Each window's own rating device (a HID pad, a tablet, the rating screen) and its family."""
    return {w.number: (w.rating, family(cfg.devices[w.rating].family)) for w in cfg.windows
            if w.rating in cfg.devices and family(cfg.devices[w.rating].family) is not None}


def rating_windows(cfg) -> dict[int, str]:
    """The windows that can be rated, and the channel: the window's own rating device, or
    the rating pad on its FF 68 keypad."""
    out = {number: channel_of(cfg, device) for number, (device, _) in rating_devices(cfg).items()}
    for w in cfg.windows:
        if w.number not in out and w.keypad and getattr(cfg.options(w.keypad), "rating_pad", False):
            out[w.number] = "keypad-pad"
    return out


class RatingDaemon(Daemon):
    name = msg.COMPONENT
    migrations = MIGRATIONS

    def __init__(self, cfg, **kw) -> None:
        super().__init__(cfg, **kw)
        self.settings = cfg.section("rating")
        self.book = RatingBook(cfg, self.store.conn, self.settings,
                               key_file(cfg.credentials_path / "rating-phone-hash.key"), rating_windows(cfg))
        config_dir = cfg._source.parent if getattr(cfg, "_source", None) else cfg.storage_path
        try:
            self.uploader = upload.uploader_for(self.settings.upload, config_dir)
        except Exception:  # a plug-in missing or broken: ratings go on, the files hold them
            log.exception("[rating.upload] uploader %r cannot be loaded: nothing is uploaded",
                          self.settings.upload.uploader)
            self.uploader = None
        self.export_dir = cfg.storage_path / "rating"
        self.bus.on(Topics(cfg.hall.id, "queue").event("ended"), EventOf[EndedEvent], self._on_ended)
        self.bus.on_connect(self._publish_setups)
        devices = rating_devices(cfg)
        self.tablets = {w: d for w, (d, fam) in devices.items() if fam.is_bus_client}
        self.pads = {}  # rating devices this daemon reads itself (USB HID pads): device → window, driver
        for window, (device, fam) in devices.items():
            if not fam.is_bus_client:
                self.pads[device] = (window, load_attr(fam.driver)(
                    device, cfg.devices[device].link.target, cfg.options(device), self._pad_level,
                    self._pad_state))
        self._tasks: list[asyncio.Task] = []

    def _publish_setups(self) -> None:
        """Each rating tablet's setup: config only, so on every (re)connect and no more."""
        for w in self.cfg.windows:
            if w.number in self.tablets:
                self.publish_retained(Topics(self.cfg.hall.id, "rating", w.rating).setup, msg.RatingSetup(
                    device=w.rating, window=w.number, window_label_zh=w.label_zh, window_label_en=w.label_en,
                    hall_name_zh=self.cfg.hall.name_zh, hall_name_en=self.cfg.hall.name_en,
                    reasons=self.settings.reasons))

    async def start(self) -> None:
        for device, (_, pad) in self.pads.items():
            self._tasks.append(asyncio.create_task(keep_running(f"rating pad {device}", pad.run)))
        self._tasks.append(asyncio.create_task(keep_running("rating clock", self._ticker)))
        if self.uploader is not None:
            self._tasks.append(asyncio.create_task(keep_running("rating upload", self._uploads)))

    async def stop(self) -> None:
        for _, pad in self.pads.values():
            pad.close()
        for task in self._tasks:
            task.cancel()

    def retained_state(self) -> msg.RatingState:
        return self.book.state(self.clock.time())

    # -- services ending, ratings closing ------------------------------------------------------
    def _on_ended(self, topic: str, event: EventOf[EndedEvent]) -> None:
        now = self.clock.time()
        with self.store.db.atomic():
            ask, closed = self.book.open(event.data, event.ts, now)
        self._closed(closed, now)
        if ask is not None:
            self.bus.publish(self.topics.event("ask"), event_json(ask, now), qos=1)
            log.info("window %d: rating open for %s", ask.window, ask.number)
            self.publish_soon(self.publish_state, max_delay=0.1)

    def _closed(self, closed: list[msg.Closed], now: float) -> None:
        for c in closed:
            self.bus.publish(self.topics.event("closed"), event_json(c, now), qos=1)
        if closed:
            self.publish_soon(self.publish_state, max_delay=0.3)

    async def _ticker(self) -> None:
        while True:
            await self.clock.sleep(TICK_S)
            now = self.clock.time()
            with self.store.db.atomic():
                closed = self.book.expire(now)
            self._closed(closed, now)

    # -- the pads this daemon reads -----------------------------------------------------------
    def _pad_level(self, device: str, level: int) -> None:
        """A button on a window's USB pad: the window's open rating, if there is one."""
        window = self.pads[device][0]
        now = self.clock.time()
        try:
            with self.store.db.atomic():
                _, closed = self.book.rate(msg.Rate(window=window, level=level),
                                           channel_of(self.cfg, device), device, now)
        except CommandError as exc:  # nothing open, or rated already: the press changes nothing
            log.info("%s: level %d not taken: %s", device, level, exc.body.message)
            return
        except Exception:  # the store: this press is lost, the pad keeps being read
            log.exception("%s: level %d could not be stored", device, level)
            return
        self._closed([closed], now)
        log.info("window %d rated %d on %s", window, level, device)

    def _pad_state(self, device: str, up: bool, why: str | None) -> None:
        self.publish_availability("rating", device, up, why)

    # -- commands ------------------------------------------------------------------------------
    @handles("rate")
    def rate(self, req: msg.Rate, ctx: CommandContext) -> msg.Rated:
        channel, device = self._channel(req.window, ctx)
        rated, closed = self.book.rate(req, channel, device, ctx.now)
        ctx.event(self.topics.event("closed"), closed)
        self.publish_soon(self.publish_state, max_delay=0.1)
        log.info("window %d rated %d on %s%s", req.window, req.level, channel,
                 " (follow-up opened)" if rated.follow_up else "")
        return rated

    def _channel(self, window: int, ctx: CommandContext) -> tuple[str, str | None]:
        """Who rated, from the broker login: a rating device for its own window only."""
        w = next((w for w in self.cfg.windows if w.number == window), None)
        if w is None:
            raise CommandError("unknown_window", f"no window {window}", "data.window")
        if ctx.sender.role == "rating":
            if w.rating != ctx.sender.user:
                raise CommandError("not_your_window", f"{ctx.sender.user} is not window {window}'s rating "
                                   "device", "data.window")
            return channel_of(self.cfg, w.rating), w.rating
        if ctx.sender.role == "daemon":  # the keypad daemon, for the pad on the window's keypad
            return "keypad-pad", w.keypad
        return "none", ctx.sender.user

    @handles("list")
    def list_(self, req: msg.ListAsk, ctx: CommandContext) -> msg.RatingList:
        return msg.RatingList(ratings=self.book.list(req, ctx.now))

    @handles("show")
    def show(self, req: msg.ShowAsk, ctx: CommandContext) -> msg.RatingLine:
        return self.book.show(req.rating_id, ctx.now)

    @handles("follow-up")
    def follow_up(self, req: msg.FollowUp, ctx: CommandContext) -> msg.RatingLine:
        line = self.book.follow_up(req, ctx.sender.user, ctx.now)
        self.publish_soon(self.publish_state, max_delay=0.3)
        return line

    @handles("stats")
    def stats(self, req: msg.StatsAsk, ctx: CommandContext) -> msg.Stats:
        if req.until < req.since or (req.until - req.since).days > 400:
            raise CommandError("bad_request", "since … until: at most 400 days, in order", "data.until")
        return msg.Stats(rows=self.book.stats(req))

    @handles("export")
    def export(self, req: msg.ExportAsk, ctx: CommandContext) -> msg.Exported:
        csv_path, jsonl_path, n = self._export(req.day, ctx.now)
        return msg.Exported(csv=str(csv_path), jsonl=str(jsonl_path), ratings=n)

    # -- the day's files and the platform --------------------------------------------------------
    def _export(self, day, now: float):
        rows = records(self.book.day_lines(day), self.cfg.hall.id, self.book.zone)
        csv_path, jsonl_path = write_day(self.export_dir, day, rows)
        self.store.conn.execute("INSERT OR REPLACE INTO exported VALUES (?, ?, ?)",
                                (day.isoformat(), now, len(rows)))
        return csv_path, jsonl_path, len(rows)

    def housekeeping(self) -> None:
        """Yesterday's files (and any day missed while the box was off), once each day's
        last rating window has closed."""
        now = self.clock.time()
        today = self.book.day_of(now)
        try:
            days = [date.fromisoformat(r[0]) for r in self.store.conn.execute(
                "SELECT DISTINCT day FROM ratings WHERE day < ? AND day NOT IN (SELECT day FROM exported)",
                (today.isoformat(),))]
            for day in (d for d in days if self.book.exportable(d, now)):
                with self.store.db.atomic():
                    _, _, n = self._export(day, now)
                log.info("ratings of %s written (%d)", day, n)
        except Exception:  # the disk: tried again at the next round
            log.exception("the day's ratings could not be written to %s", self.export_dir)
        self.publish_soon(self.publish_state, max_delay=1.0)  # overdue follow-ups change with the day

    def _record(self, rating_id: str) -> dict:
        """One rating as the day's files have it: the platform gets the same fields."""
        day = self.store.conn.execute("SELECT day FROM ratings WHERE id = ?", (rating_id,)).fetchone()[0]
        return records(self.book.day_lines(date.fromisoformat(day), rating_id), self.cfg.hall.id,
                       self.book.zone)[0]

    async def _uploads(self) -> None:
        while True:
            await self.clock.sleep(UPLOAD_EVERY_S)
            conn = self.store.conn
            while (due := upload.next_due(conn, self.clock.time())) is not None:
                seq, rating_id, attempts = due
                refused = False
                try:
                    record = self._record(rating_id)
                    answer, error = await asyncio.to_thread(self.uploader.upload, record), None
                except Exception as exc:
                    answer, error = None, f"{type(exc).__name__}: {str(exc)[:200]}"
                    refused = isinstance(exc, upload.Refused)
                    what = "refused by the platform: set aside" if refused else "not uploaded"
                    (log.error if refused else log.warning)("rating %s %s (try %d): %s", rating_id, what,
                                                            attempts + 1, error)
                with self.store.db.atomic():
                    upload.mark(conn, seq, attempts, self.clock.time(), answer, error,
                                self.settings.upload.retry_s, refused)
                self.publish_soon(self.publish_state, max_delay=1.0)
                if error is not None and not refused:
                    break  # in order: nothing overtakes the one that failed (and will be tried again)
