"""Bus glue for the queue engine: commands in, replies, events and retained state out."""

from __future__ import annotations

import asyncio

from hallkit.bus.settings import password_file
from hallkit.contract.topics import Topics
from hallkit.daemons.queue import contract as q
from hallkit.daemons.queue.day import business_day, day_bounds
from hallkit.daemons.queue.engine import Effects, QueueEngine
from hallkit.daemons.queue.schema import MIGRATIONS
from hallkit.keys import key_file
from hallkit.runtime.commands import CommandContext, handles
from hallkit.runtime.daemon import Daemon


class QueueDaemon(Daemon):
    name = "queue"
    migrations = MIGRATIONS

    def __init__(self, cfg, **kw) -> None:
        super().__init__(cfg, **kw)
        with self.store.db.atomic():
            self.engine = QueueEngine(cfg, self.store.conn, self.clock, _pepper(cfg))
        self._dirty_windows: set[int] = set(self.engine.windows)
        self._dirty_services = True

    # -- life cycle -------------------------------------------------------------------
    async def start(self) -> None:
        self._rollover()
        self._day_task = asyncio.create_task(self._day_timer())

    async def stop(self) -> None:
        self._day_task.cancel()

    def publish_state(self) -> None:
        self._dirty_windows.update(self.engine.windows)
        self._dirty_services = True
        self._publish_dirty()

    def after_batch(self) -> None:
        if self._dirty_services or self._dirty_windows:
            self.publish_soon(self._publish_dirty)

    def _publish_dirty(self) -> None:
        if not (self._dirty_services or self._dirty_windows):
            return
        now = self.clock.time()
        snap = self.engine.snapshot(self.engine.day(now), self._dirty_windows)
        if self._dirty_services:
            self.publish_retained(self.topics.state, self.engine.queue_state(now, snap))
        for number in sorted(self._dirty_windows):
            self.publish_retained(Topics(self.cfg.hall.id, "window", str(number)).state,
                                  self.engine.window_state(number, now, snap))
        self._dirty_windows.clear()
        self._dirty_services = False

    def _rollover(self) -> None:
        fx = Effects()
        with self.store.db.atomic():
            self.engine.rollover(self.clock.time(), fx)
        self._apply(fx, None)
        self.publish_durably(self._publish_dirty)

    async def _day_timer(self) -> None:
        """Roll over at the hall's day start, and republish estimates once a minute."""
        hall = self.cfg.hall
        while True:
            now = self.clock.now()
            day = business_day(now, hall.day_starts_at)
            next_start = day_bounds(day, hall.day_starts_at, self.engine.tz)[1]
            await self.clock.sleep(min(60.0, max(0.0, next_start - self.clock.time()) + 0.5))
            if self.clock.time() >= next_start:
                self._rollover()
            else:
                self._dirty_services = True
                self.publish_durably(self._publish_dirty)

    # -- effects ----------------------------------------------------------------------
    def _apply(self, fx: Effects, ctx: CommandContext | None) -> None:
        """Queue events for after the commit; remember which state to republish."""
        if ctx is not None:
            for name, payload in fx.events:
                ctx.event(self.topics.event(name), payload)
        self._dirty_windows |= fx.windows
        self._dirty_services |= fx.services

    def _run(self, ctx: CommandContext, op, *args, **kw):
        fx = Effects()
        result = op(*args, ctx.now, fx, **kw)
        self._apply(fx, ctx)
        return result

    # -- commands -------------------------------------------------------------------------
    @handles("issue")
    def issue(self, req: q.Issue, ctx):
        return self._run(ctx, self.engine.issue, req)

    @handles("check-in")
    def check_in(self, req: q.CheckIn, ctx):
        return self._run(ctx, self.engine.check_in, req)

    @handles("appointment-add")
    def appointment_add(self, req: q.AppointmentAdd, ctx):
        return self._run(ctx, self.engine.add_appointment, req)

    @handles("call-next")
    def call_next(self, req: q.WindowRef, ctx):
        return self._run(ctx, self.engine.call_next, req.window)

    @handles("call-number")
    def call_number(self, req: q.CallNumber, ctx):
        return self._run(ctx, self.engine.call_number, req.window, req.number)

    @handles("recall")
    def recall(self, req: q.WindowRef, ctx):
        return self._run(ctx, self.engine.recall, req.window)

    @handles("no-show")
    def no_show(self, req: q.WindowRef, ctx):
        return self._run(ctx, self.engine.no_show, req.window)

    @handles("transfer")
    def transfer(self, req: q.Transfer, ctx):
        return self._run(ctx, self.engine.transfer, req.window, req)

    @handles("hold")
    def hold(self, req: q.WindowRef, ctx):
        return self._run(ctx, self.engine.hold, req.window)

    @handles("resume")
    def resume(self, req: q.Resume, ctx):
        return self._run(ctx, self.engine.resume, req.window, req.number)

    @handles("end")
    def end(self, req: q.WindowRef, ctx):
        return self._run(ctx, self.engine.end, req.window)

    @handles("pause")
    def pause(self, req: q.Pause, ctx):
        return self._run(ctx, self.engine.pause, req.window, req.paused)

    @handles("login")
    def login(self, req: q.Login, ctx):
        return self._run(ctx, self.engine.login, req.window, req.clerk, req.pin,
                         sender=ctx.sender.user)

    @handles("logout")
    def logout(self, req: q.WindowRef, ctx):
        return self._run(ctx, self.engine.logout, req.window)

    @handles("cancel")
    def cancel(self, req: q.TicketRef, ctx):
        return self._run(ctx, self.engine.cancel, req, holder=ctx.sender.role == "kiosk")

    @handles("reprint")
    def reprint(self, req: q.TicketRef, ctx):
        kiosk = ctx.sender.user if ctx.sender.role == "kiosk" else None
        return self._run(ctx, self.engine.reprint, req, by_kiosk=kiosk)

    @handles("ticket")
    def ticket(self, req: q.TicketRef, ctx):
        return self.engine.status(req, ctx.now)

    @handles("window-next")
    def window_next(self, req: q.WindowNext, ctx):
        return self.engine.window_next(req.window, req.limit, ctx.now)


def _pepper(cfg) -> bytes:
    """The key that ID and phone hashes and ticket secrets are made with; kept apart from the
    database, and named unlike any bus user's password file."""
    path = cfg.credentials_path / "queue-id-hash.key"
    old = password_file(cfg, "queue-id-hash-key")  # where hallkit 0.1 kept it
    if old.exists() and not path.exists():
        old.rename(path)
    return key_file(path)


