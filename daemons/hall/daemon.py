"""Hall directory and notices (公告) for kiosks and the hall board."""

from __future__ import annotations

import asyncio
import logging

from hallkit.contract.topics import Topics
from hallkit.daemons.hall import contract as msg
from hallkit.pins import check_pin
from hallkit.runtime.commands import CommandContext, CommandError, handles
from hallkit.runtime.daemon import Daemon
from hallkit.runtime.hours import hours_on, is_open, range_text
from hallkit.store import Migration

log = logging.getLogger(__name__)

MAX_NOTICES = 20  # what a hall board can show; also keeps the retained state small
PIN_TRIES, PIN_LOCK_S = 5, 300  # a kiosk's maintenance PIN: tries, then a lock that doubles

class HallDaemon(Daemon):
    name = "hall"
    migrations = (
        Migration(1, "notices", """
            CREATE TABLE notices (
                id INTEGER PRIMARY KEY AUTOINCREMENT, text_zh TEXT NOT NULL, text_en TEXT,
                until REAL, created_at REAL NOT NULL, removed_at REAL);
        """),
        Migration(2, "maintenance PIN failures, kept across restarts", """
            CREATE TABLE maintenance_logins (
                kiosk TEXT PRIMARY KEY, fails INTEGER NOT NULL, locks INTEGER NOT NULL,
                locked_until REAL NOT NULL);
        """),
    )

    _state_changed = False

    def __init__(self, cfg, **kw) -> None:
        super().__init__(cfg, **kw)
        self.bus.on_connect(self._publish_kiosk_setups)

    def after_batch(self) -> None:
        if self._state_changed:
            self._state_changed = False
            self.publish_durably()

    async def start(self) -> None:
        self._open = self._open_now()
        self._ticker = asyncio.create_task(self._tick())

    async def stop(self) -> None:
        self._ticker.cancel()

    def retained_state(self) -> msg.HallState:
        cfg = self.cfg
        return msg.HallState(
            hall=cfg.hall.id, name_zh=cfg.hall.name_zh, name_en=cfg.hall.name_en,
            open_now=self._open, hours_today=self._hours_today(), ticket_qr=self._ticket_qr(),
            services=[msg.ServiceInfo(code=s.code, prefix=s.prefix, name_zh=s.name_zh,
                                      name_en=s.name_en, ask_id=s.ask_id,
                                      priority_classes=list(s.priority_classes))
                      for s in cfg.services],
            windows=[msg.WindowInfo(number=w.number, label_zh=w.label_zh, label_en=w.label_en,
                                    services=w.services, consoles=sorted(
                                        d for d, dev in cfg.devices_of("console").items()
                                        if dev.window == w.number)) for w in cfg.windows],
            notices=self._notices(),
        )

    def _publish_kiosk_setups(self) -> None:
        """Each kiosk's and board's setup: config only, so sent on every (re)connect and no
        more often (a broker restarted without its retained messages gets them again)."""
        for board_id, board in self.cfg.devices_of("hall_board").items():
            self.publish_retained(Topics(self.cfg.hall.id, "hall_board", board_id).setup, msg.BoardSetup(
                board=board_id, location=board.location, screen=board.screen, english=board.english,
                blink_s=board.blink_s))
        for kiosk_id, kiosk in self.cfg.devices_of("kiosk").items():
            self.publish_retained(Topics(self.cfg.hall.id, "kiosk", kiosk_id).setup, msg.KioskSetup(
                kiosk=kiosk_id, location=kiosk.location, screen=kiosk.screen,
                screen_width_mm=kiosk.screen_width_mm, idle_s=kiosk.idle_s,
                elderly_idle_s=kiosk.elderly_idle_s, printer=kiosk.printer, id_reader=kiosk.id_reader,
                scanner=kiosk.scanner, has_maintenance_pin=kiosk.maintenance_pin_hash is not None,
                speaker=kiosk.speaker is not None))

    def _open_now(self) -> bool:
        return is_open(self.cfg.hall.opening_hours, self.clock.now())

    def _hours_today(self) -> list[str]:
        return [range_text(a, b) for a, b in hours_on(self.cfg.hall.opening_hours, self.clock.now())]

    def _ticket_qr(self) -> str:
        """The printer's [ticket] qr where the printer daemon is installed, else its default."""
        try:
            return self.cfg.section("ticket").qr
        except KeyError:
            return msg.HallState.model_fields["ticket_qr"].default

    def _notices(self) -> list[msg.Notice]:
        rows = self.store.conn.execute(
            "SELECT id, text_zh, text_en, until FROM notices WHERE removed_at IS NULL"
            " AND (until IS NULL OR until > ?) ORDER BY id", (self.clock.time(),))
        return [msg.Notice(id=r[0], text_zh=r[1], text_en=r[2], until=r[3]) for r in rows]

    async def _tick(self) -> None:
        """Republish when the hall opens or closes, or a notice runs out."""
        shown = (self._open, self._notices(), self._hours_today())
        while True:
            await self.clock.sleep(30)
            self._open = self._open_now()
            if (self._open, self._notices(), self._hours_today()) != shown:
                shown = (self._open, self._notices(), self._hours_today())
                self.publish_durably()

    @handles("ping")
    def ping(self, req: msg.Ping, ctx: CommandContext) -> msg.Pong:
        return msg.Pong(ts=ctx.now, uptime_s=round(ctx.now - self.started_at, 3))

    @handles("maintenance-login")
    def maintenance_login(self, req: msg.MaintenanceLogin, ctx: CommandContext) -> msg.MaintenanceAnswer:
        kiosk = self.cfg.devices.get(req.kiosk or "")
        if kiosk is None or kiosk.kind != "kiosk":
            raise CommandError("unknown_kiosk", f"no kiosk {req.kiosk!r} in the hall config", "data.kiosk")
        if kiosk.maintenance_pin_hash is None:
            return msg.MaintenanceAnswer(outcome="no_pin")
        conn = self.store.conn
        row = conn.execute("SELECT fails, locks, locked_until FROM maintenance_logins WHERE kiosk = ?",
                           (req.kiosk,)).fetchone() or (0, 0, 0.0)
        fails, locks, locked_until = row
        if ctx.now < locked_until:
            return msg.MaintenanceAnswer(outcome="locked", locked_s=round(locked_until - ctx.now))
        if check_pin(req.pin, kiosk.maintenance_pin_hash):
            conn.execute("DELETE FROM maintenance_logins WHERE kiosk = ?", (req.kiosk,))
            return msg.MaintenanceAnswer(outcome="ok")
        fails += 1
        if fails >= PIN_TRIES:
            lock_s = PIN_LOCK_S * 2 ** min(locks, 6)
            conn.execute("INSERT OR REPLACE INTO maintenance_logins VALUES (?, 0, ?, ?)",
                         (req.kiosk, locks + 1, ctx.now + lock_s))
            log.warning("kiosk %s: %d wrong maintenance PINs; locked for %d min", req.kiosk,
                        PIN_TRIES, lock_s // 60)
            return msg.MaintenanceAnswer(outcome="locked", locked_s=lock_s)
        conn.execute("INSERT OR REPLACE INTO maintenance_logins VALUES (?, ?, ?, 0)",
                     (req.kiosk, fails, locks))
        return msg.MaintenanceAnswer(outcome="wrong", tries_left=PIN_TRIES - fails)

    @handles("notice-add")
    def notice_add(self, req: msg.NoticeAdd, ctx: CommandContext) -> msg.NoticeAdded:
        if req.until is not None and req.until <= ctx.now:
            raise CommandError("bad_request", "the notice would end before it is shown", "data.until")
        if len(self._notices()) >= MAX_NOTICES:
            raise CommandError("too_many", f"the board shows {MAX_NOTICES} notices at most; take "
                               "one down first (notice-remove)")
        cur = self.store.conn.execute(
            "INSERT INTO notices (text_zh, text_en, until, created_at) VALUES (?, ?, ?, ?)",
            (req.text_zh, req.text_en, req.until, ctx.now))
        self._state_changed = True
        return msg.NoticeAdded(notice_id=cur.lastrowid)

    @handles("notice-remove")
    def notice_remove(self, req: msg.NoticeRemove, ctx: CommandContext) -> msg.NoticeRemoved:
        cur = self.store.conn.execute(
            "UPDATE notices SET removed_at = ? WHERE id = ? AND removed_at IS NULL",
            (ctx.now, req.notice_id))
        if cur.rowcount == 0:
            raise CommandError("not_found", f"no notice {req.notice_id} on the board", "data.notice_id")
        self._state_changed = True
        return msg.NoticeRemoved(removed=True)
