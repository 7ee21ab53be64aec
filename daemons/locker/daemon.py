"""The locker daemon: the only one that talks to the lock boards. Commands from kiosks and
staff become door operations (engine.py); the boards' doors, the clock and the SMS outbox
drive them on."""

from __future__ import annotations

import asyncio
import logging

from hallkit.clerk_gate import ClerkGate
from hallkit.contract.envelope import event_json
from hallkit.daemons.locker import contract as msg
from hallkit.daemons.locker import sms
from hallkit.daemons.locker.engine import MIGRATIONS, TICK_S, Effects, LockerEngine
from hallkit.drivers.lockboard.port import LockBoardPort
from hallkit.keys import key_file
from hallkit.privacy import mask_phone
from hallkit.runtime.commands import CommandContext, handles
from hallkit.runtime.daemon import Daemon, keep_running
from hallkit.runtime.device_lines import port_groups

log = logging.getLogger(__name__)

SMS_EVERY_S = 2.0
FORGET_RETRY_S = 2.0


class LockerDaemon(Daemon):
    name = msg.COMPONENT
    migrations = MIGRATIONS

    def __init__(self, cfg, **kw) -> None:
        super().__init__(cfg, **kw)
        self.settings = cfg.section("locker")
        # A sent message's text (its code) and a collected item's phone are erased: zeroed in
        # their page, and the WAL frames that held them dropped (_forget), so no copy stays.
        self.store.conn.execute("PRAGMA secure_delete = ON")
        self.engine = LockerEngine(cfg, self.store.conn, self.settings,
                                   key_file(cfg.credentials_path / "locker-code-hash.key"))
        self.gate = ClerkGate({c.id: c for c in cfg.clerks}, cfg.hall.demo)
        self.ports: dict[str, LockBoardPort] = {}
        for group in port_groups(cfg, list(cfg.devices_of("locker_board"))):
            port = LockBoardPort(cfg, group.link, group.members, on_board=self._board,
                                 on_door=self._door, on_snapshot=self._snapshot)
            for device in group.members:
                self.ports[device] = port
        config_dir = cfg._source.parent if getattr(cfg, "_source", None) else cfg.storage_path
        self.sms = sms.backend(self.settings.sms, cfg.storage_path, config_dir)
        self._opens: list[tuple[str, str, int, str, str]] = []
        self._changed = False
        self._tasks: list[asyncio.Task] = []

    async def start(self) -> None:
        for port in set(self.ports.values()):
            self._tasks.append(asyncio.create_task(keep_running("lock board line", port.run)))
        self._tasks.append(asyncio.create_task(keep_running("locker clock", self._ticker)))
        self._tasks.append(asyncio.create_task(keep_running("SMS outbox", self._sms_sender)))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()

    def retained_state(self) -> msg.LockerState:
        state = self.engine.state(self.clock.time())
        for port in dict.fromkeys(self.ports.values()):
            took = port.line.round_s
            state.lines.append(msg.PollLine(line=port.device_line.key, boards=len(port.boards),
                                            rounds=port.line.rounds,
                                            round_ms=None if took is None else round(took * 1000, 1)))
        return state

    # -- commands ------------------------------------------------------------------------------
    def _effects(self, effects: Effects, ctx: CommandContext) -> None:
        """A command's effects: its events after the commit, its doors once it is on disk."""
        for name, to, body in effects.events:
            ctx.event(self._event_topic(name, to), body)
        self._opens += effects.opens
        self._changed |= effects.changed

    def _event_topic(self, name: str, to: str | None) -> str:
        topic = self.topics.event(name)
        return f"{topic}/{to}" if to else topic

    def _staff(self, req, ctx: CommandContext):
        return self.engine.staff(req.session, req.kiosk, ctx.sender.trusted, ctx.sender.user, ctx.now)

    @handles("staff-login")
    def staff_login(self, req: msg.StaffLogin, ctx: CommandContext) -> msg.StaffSession:
        self.gate.check(req.clerk, req.pin, ctx.sender.user, ctx.now)
        token = self.engine.open_session(req.clerk, req.kiosk, ctx.now)
        log.info("staff %s logged in at %s", req.clerk, req.kiosk or ctx.sender.user)
        return msg.StaffSession(session=token, clerk=req.clerk,
                                expires_s=self.settings.staff_session_min * 60)

    @handles("deposit")
    def deposit(self, req: msg.Deposit, ctx: CommandContext) -> msg.Opening:
        opening, effects = self.engine.deposit(req, self._staff(req, ctx), ctx.now)
        self._effects(effects, ctx)
        return opening

    @handles("dropoff")
    def dropoff(self, req: msg.DropOff, ctx: CommandContext) -> msg.Opening:
        opening, effects = self.engine.dropoff(req, req.kiosk or ctx.sender.user, ctx.now)
        self._effects(effects, ctx)
        return opening

    @handles("pickup")
    def pickup(self, req: msg.Pickup, ctx: CommandContext) -> msg.PickupAnswer:
        answer, effects = self.engine.pickup(req, req.kiosk or ctx.sender.user, ctx.now)
        self._effects(effects, ctx)
        return answer

    @handles("collect")
    def collect(self, req: msg.StaffOpen, ctx: CommandContext) -> msg.Opening:
        opening, effects = self.engine.collect(req, self._staff(req, ctx), ctx.now)
        self._effects(effects, ctx)
        return opening

    @handles("override")
    def override(self, req: msg.StaffOpen, ctx: CommandContext) -> msg.Opening:
        opening, effects = self.engine.override(req, self._staff(req, ctx), ctx.now)
        self._effects(effects, ctx)
        return opening

    @handles("clear")
    def clear(self, req: msg.Clear, ctx: CommandContext) -> msg.Cleared:
        cleared, effects = self.engine.clear(req, self._staff(req, ctx), ctx.now)
        self._effects(effects, ctx)
        return msg.Cleared(cleared=cleared)

    @handles("audit")
    def audit(self, req: msg.AuditAsk, ctx: CommandContext) -> msg.AuditLines:
        return msg.AuditLines(lines=self.engine.audit(req.limit))

    def after_batch(self) -> None:
        opens, self._opens = self._opens, []
        for op, board, lock, who, why in opens:  # on disk: the doors may open now
            asyncio.get_running_loop().create_task(self._open(op, board, lock, who, why))
        if self._changed:
            self._changed = False
            self.publish_soon(self.publish_state, max_delay=0.3)

    # -- the boards ----------------------------------------------------------------------------
    async def _open(self, op: str, board: str, lock: int, who: str, why: str) -> None:
        port = self.ports.get(board)
        outcome = await port.open(board, lock, who, why) if port else "offline"
        self._apply(lambda now: self.engine.opened(op, outcome, now))

    def _door(self, board: str, lock: int, is_open: bool, ours: bool) -> None:
        self._apply(lambda now: self.engine.door(board, lock, is_open, ours, now))

    def _snapshot(self, board: str, open_locks: frozenset[int], occupied) -> None:
        self._apply(lambda now: self.engine.snapshot(board, open_locks, now))

    def _board(self, board: str, up: bool, why: str | None) -> None:
        was = self.engine.boards_up.get(board)
        if was != up:
            self.engine.boards_up[board] = up
            self.publish_availability("locker_board", board, up, why)
            if not up:  # a board that was there and is gone is news; one not yet there is not
                (log.warning if was else log.info)("lock board %s offline: %s", board, why)
            elif was is False:
                log.info("lock board %s answers again", board)
            self._changed = True
            self.publish_soon(self.publish_state, max_delay=0.3)

    def _apply(self, change) -> None:
        """A change from the boards or the clock, committed (and synced) before anyone hears of it."""
        now = self.clock.time()
        try:
            with self.store.db.atomic():
                effects = change(now)
        except Exception:
            log.exception("a locker change could not be stored")
            return
        if effects.erased:
            self._forget()
        for name, to, body in effects.events:
            self.bus.publish(self._event_topic(name, to), event_json(body, now), qos=1)
        for op, board, lock, who, why in effects.opens:
            asyncio.get_running_loop().create_task(self._open(op, board, lock, who, why))
        if effects.changed:
            self.publish_soon(self.publish_state, max_delay=0.3)

    async def _ticker(self) -> None:
        while True:
            await self.clock.sleep(TICK_S)
            self._apply(self.engine.tick)

    def _forget(self) -> None:
        """Erased data out of the WAL too: its older frames still hold the rows as they were.
        A checkpoint that meets the store's own checkpointer busy is tried again."""
        try:
            busy = self.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        except Exception:
            log.exception("the WAL could not be truncated after an erasure; trying again")
            busy = 1
        if busy:
            asyncio.get_running_loop().call_later(FORGET_RETRY_S, self._forget)

    async def _sms_sender(self) -> None:
        while True:
            await self.clock.sleep(SMS_EVERY_S)
            conn = self.store.conn
            for message, phone, text, attempts in sms.due(conn, self.clock.time()):
                try:
                    answer, error = await asyncio.to_thread(self.sms.send, phone, text), None
                except Exception as exc:  # never the text: it holds the code
                    answer, error = None, sms.without_numbers(f"{type(exc).__name__}: {str(exc)[:120]}")
                    log.warning("SMS %d to %s not sent (try %d): %s", message, mask_phone(phone),
                                attempts + 1, error)
                with self.store.db.atomic():
                    sms.mark(conn, message, attempts, self.clock.time(), answer, error)
                if error is None:
                    self._forget()
                self.publish_soon(self.publish_state, max_delay=1.0)  # the count waiting changed


