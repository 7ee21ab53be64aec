"""Commands from the bus: validated, run once per request id, answered after commit.

Requests wait in an inbox; the dispatcher takes every request that is there,
runs each in its own savepoint of one transaction, stores each reply with its
request id in the same transaction, and commits. Replies and the events the
handlers asked for go out once that commit is on disk (``WalSync``): the disk's
wait runs in a worker thread while the next batch is taken in and run, and one
sync covers every batch committed before it began (group commit).
A repeated request id from the same sender with the same action and data gets
the stored reply and causes nothing else; with other content it is refused as
``id_reused``. The sender is the broker user named in the topic; it must be
allowed to send the action (``senders.authorize``) or gets ``forbidden``.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from hallkit.bus.client import BusClient, BusError, encode
from hallkit.clock import Clock
from hallkit.contract import Command, contracts
from hallkit.contract.envelope import ErrorBody, Request, event_json
from hallkit.contract.topics import Topics, command_of
from hallkit.runtime.durability import WalSync
from hallkit.runtime.log_budget import LogBudget
from hallkit.runtime.senders import Refused, Sender, authorize
from hallkit.store import Migration, Store, is_storage_failure, storage_problem

log = logging.getLogger(__name__)

INBOX_MAX = 5000  # commands waiting at most; beyond, `busy` at once (a flood must not eat memory)
DEVICE_STORED_PER_HOUR = 3000  # answers kept for replay per kiosk, console, …: a flood of new
# ids must not fill the disk; a busy kiosk takes a few hundred tickets an hour
ECHO_MAX = 100  # characters of a sender's input repeated in an error or a log line
KEEP_REPLIES_S = 24 * 3600
DISK_FAILED = "the disk failed while storing this; retry with the same id (done at most once)"

RUNTIME_MIGRATIONS = (
    Migration(1, "request replies for idempotency", """
        CREATE TABLE _requests (
            client TEXT NOT NULL, id TEXT NOT NULL, action TEXT NOT NULL,
            reply TEXT NOT NULL, at REAL NOT NULL, PRIMARY KEY (client, id));
        CREATE INDEX _requests_at ON _requests(at);
    """),
    # Keyed id first: request ids sort by time (hallkit.ids), so a batch's rows land at
    # the key's right-hand edge instead of in one page per client.
    Migration(2, "request replies keyed by id, then client", """
        CREATE TABLE _requests_by_id (
            id TEXT NOT NULL, client TEXT NOT NULL, action TEXT NOT NULL,
            reply TEXT NOT NULL, at REAL NOT NULL, PRIMARY KEY (id, client));
        INSERT INTO _requests_by_id SELECT id, client, action, reply, at FROM _requests ORDER BY at;
        DROP TABLE _requests;
        ALTER TABLE _requests_by_id RENAME TO _requests;
        CREATE INDEX _requests_at ON _requests(at);
    """),
    # What was asked under the id: the same id with other content is not a retry.
    Migration(3, "request content digest", """
        ALTER TABLE _requests ADD COLUMN digest TEXT NOT NULL DEFAULT '';
    """),
)


class CommandError(Exception):
    """A handler's refusal: stored and answered like a result, with nothing changed."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.body = ErrorBody(code=code, message=message, field=field)


def handles(action: str) -> Callable:
    """Mark a daemon method as the handler of ``cmd/<action>``."""

    def mark(fn: Callable) -> Callable:
        fn.hallkit_action = action  # type: ignore[attr-defined]
        return fn

    return mark


@dataclass
class CommandContext:
    request: Request
    now: float
    sender: Sender
    outbox: list[tuple[str, bytes, bool]] = field(default_factory=list)

    def publish(self, topic: str, payload: BaseModel | dict | bytes, retain: bool = False) -> None:
        """Publish after the transaction commits (and not at all if it does not)."""
        self.outbox.append((topic, encode(payload), retain))

    def event(self, topic: str, data: BaseModel) -> None:
        """An event envelope around ``data``, published after the commit."""
        self.outbox.append((topic, event_json(data, self.now), False))


class Dispatcher:
    def __init__(self, component: str, topics: Topics, handlers: dict[str, Callable],
                 store: Store, bus: BusClient, clock: Clock, senders: dict[str, Sender],
                 after_batch: Callable[[], None] | None = None,
                 on_storage_lost: Callable[[BaseException], None] | None = None,
                 digest_key: bytes = b"") -> None:
        # Keyed: a stored digest of a request holding an ID or phone number must not be a
        # short brute force away from the number (the masked copy beside it gives most digits).
        self.digest_key = digest_key
        self.component = component
        self.topics = topics
        self.handlers = handlers
        self.store = store
        self.bus = bus
        self.clock = clock
        self.senders = senders  # broker user → who that is in this hall
        self.after_batch = after_batch  # e.g. publish the state the batch changed, once
        self.on_storage_lost = on_storage_lost  # the disk failed a sync: restart from the disk
        self.durable = WalSync(store.path, component)
        self._open = asyncio.Event()  # cleared while state waits for the disk to catch up
        self._open.set()
        self._holds = 0
        contract = contracts().get(component)
        self.specs = {c.action: c for c in contract.commands} if contract else {}
        self.inbox: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue()
        self.warn = LogBudget(log)
        self._stored: dict[str, int] = {}  # answers kept this hour, by device user
        self._stored_hour = 0
        self._busy_since: float | None = None  # when the batch in hand was started

    def on_message(self, topic: str, payload: bytes) -> None:
        if self.inbox.qsize() < INBOX_MAX:
            self.inbox.put_nowait((topic, payload))
            return
        parsed = command_of(topic)
        try:
            request = Request.model_validate_json(payload)
        except ValidationError:
            return  # junk while full: not even worth an answer
        if parsed is not None:  # not stored: the same id, retried later, is acted on
            body = ErrorBody(code="busy", message=f"{self.component} has {INBOX_MAX} commands "
                             "waiting; nothing was done, retry with the same id shortly")
            self.bus.publish(self.topics.reply(*parsed), _reply_json(
                request.id, "error", self.clock.time(), None, body), qos=0)
        self.warn.warning("inbox full: answered %s busy", topic)

    def stalled(self, limit: float) -> bool:
        """True when one batch has been in hand, or its answers have waited on the disk,
        longer than ``limit`` seconds."""
        in_hand = self._busy_since is not None and time.monotonic() - self._busy_since > limit
        return in_hand or self.durable.stalled(limit)

    @property
    def idle(self) -> bool:
        """Nothing waits to be run or answered."""
        return self.inbox.empty() and self.durable.idle

    def when_durable(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` once everything committed so far is on disk, taking no new batch
        meanwhile: what it then reads from the store is exactly what is durable, so state
        published from it never shows what a power cut would take back. Under load that
        costs one pause of at most a sync, as often as state is published."""
        self._holds += 1
        self._open.clear()

        def settled(failed: BaseException | None) -> None:
            self._holds -= 1
            if self._holds == 0:
                self._open.set()
            if failed is None:
                fn()

        self.durable.after_commit(settled, wrote=False)

    async def run(self) -> None:
        while True:
            batch = [await self.inbox.get()]
            await self._open.wait()  # state being published: it must read only durable data
            while not self.inbox.empty():  # a batch is what came in meanwhile: it grows with
                batch.append(self.inbox.get_nowait())  # the load, bounded by the inbox
            if self.durable.failed is not None:  # the daemon is stopping to reopen its store
                self._publish(self._unavailable_all(batch, DISK_FAILED))
                continue
            self._busy_since = time.monotonic()  # real time: the watchdog's business
            try:
                out, wrote = self.execute(batch)
                self.durable.after_commit(functools.partial(self._answer, batch, out), wrote)
            except Exception:  # a bug must cost this batch, never the daemon's commands
                log.exception("a batch of %d command(s) failed", len(batch))
            self._busy_since = None
            await asyncio.sleep(0)  # let the bus hand over what arrived meanwhile

    def run_batch(self, batch: list[tuple[str, bytes]]) -> None:
        """Run, sync and answer ``batch`` in this thread (for callers outside the loop)."""
        out, wrote = self.execute(batch)
        if wrote:
            self.durable.sync_now()
        self._answer(batch, out, None)

    def execute(self, batch: list[tuple[str, bytes]]) -> tuple[list[tuple[str, bytes, bool]], bool]:
        """Run ``batch`` in one transaction, committed but not yet synced. Returns what to
        publish once it is on disk, and whether anything was written."""
        conn = self.store.conn
        before = conn.total_changes
        out: list[tuple[str, bytes, bool]] = []
        try:
            with self.store.unsynced_transaction():
                for topic, payload in batch:
                    out.extend(self._one(topic, payload))
        except (OSError, sqlite3.Error) as exc:
            if is_storage_failure(exc):  # e.g. the disk is full: said briefly, rate-limited
                self.warn.warning("storage failed (%s); %d request(s) answered unavailable",
                                  storage_problem(self.store.path, exc), len(batch))
            else:
                log.exception("storage failed; %d request(s) answered as unavailable", len(batch))
            return self._unavailable_all(batch), False
        except Exception:
            log.exception("storage failed; %d request(s) answered as unavailable", len(batch))
            return self._unavailable_all(batch), False
        return out, conn.total_changes != before

    def _answer(self, batch: list[tuple[str, bytes]], out: list[tuple[str, bytes, bool]],
                failed: BaseException | None) -> None:
        """Publish a batch's replies and events now that its commit is on disk."""
        if failed is not None:  # committed, maybe lost: a retry finds it done or does it once
            self._publish(self._unavailable_all(batch, DISK_FAILED))
            if self.on_storage_lost:
                self.on_storage_lost(failed)
            return
        self._publish(out)
        if self.after_batch:
            try:
                self.after_batch()
            except Exception:
                log.exception("publishing state after a batch failed")

    def _publish(self, out: list[tuple[str, bytes, bool]]) -> None:
        for topic, payload, retain in out:
            # A lost reply costs nothing: the client retries the same id and gets the stored one.
            try:
                self.bus.publish(topic, payload, retain=retain, qos=0 if "/reply/" in topic else 1)
            except BusError as exc:
                log.error("not published: %s", exc)
        self.bus.flush()  # answers first; state publishing comes after

    def _one(self, topic: str, payload: bytes) -> list[tuple[str, bytes, bool]]:
        parsed = command_of(topic)
        if parsed is None:  # only reachable by a subscription bug: the topic has no sender
            self.warn.warning("ignored a command on %s: no action and sender in the topic", topic)
            return []
        action, user = parsed
        reply_to = self.topics.reply(action, user)
        try:
            request = Request.model_validate_json(payload)
        except ValidationError as exc:
            return self._bad_envelope(reply_to, payload, exc)
        now = self.clock.time()

        def answer(status: str, data: BaseModel | None = None,
                   error: ErrorBody | None = None) -> tuple[str, bytes, bool]:
            return reply_to, _reply_json(request.id, status, now, data, error), False

        digest = _digest(action, request.data, self.digest_key)
        stored = self.store.conn.execute(
            "SELECT reply, digest, action FROM _requests WHERE id = ? AND client = ?",
            (request.id, user)).fetchone()
        if stored:
            if stored[1] == digest or (stored[1] == "" and stored[2] == action):  # "": kept
                return [(reply_to, stored[0].encode(), False)]             # before digests
            self.warn.warning("%s reused request id %s for other content; refused", user, request.id)
            return [answer("error", error=ErrorBody(code="id_reused", message=(
                "this request id was used for another request; nothing was done. "
                "Use a new id for a new request")))]
        if request.expires is not None and request.expires < now:
            return [answer("error", error=ErrorBody(
                code="expired", message="request arrived after it expired; nothing was done"))]
        spec = self.specs.get(action)
        handler = self.handlers.get(action)
        if spec is None or handler is None:
            self.warn.warning("unknown action %r from %s", action, user)
            return [answer("error", error=ErrorBody(
                code="unknown_action", message=f"{self.component} has no action {action!r}"))]
        try:
            args = spec.request.model_validate(request.data)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = _where(("data", *err["loc"]))
            self.warn.warning("bad %s request %s from %s: %s: %s", action, request.id, user,
                              where, err["msg"][:ECHO_MAX])
            return [answer("error", error=ErrorBody(code="bad_request", field=where,
                                                    message=f"{where}: {err['msg']}"))]
        sender = self.senders.get(user) or Sender(user, None)
        try:
            args = authorize(sender, spec, args)
        except Refused as exc:
            self.warn.warning("refused %s %s from %s: %s", action, request.id, user, exc)
            return [answer("error", error=ErrorBody(code="forbidden", message=str(exc)))]
        if not spec.readonly and not sender.trusted and not self._may_store(sender.user, now):
            self.warn.warning("%s sent over %d commands this hour; answered busy", user,
                              DEVICE_STORED_PER_HOUR)
            return [answer("error", error=ErrorBody(code="busy", message=(
                f"this device sent over {DEVICE_STORED_PER_HOUR} commands this hour; "
                "nothing was done, ask a technician")))]
        return self._execute(spec, handler, args, request, sender, digest, answer, now)

    def _may_store(self, user: str, now: float) -> bool:
        hour = int(now // 3600)
        if hour != self._stored_hour:
            self._stored, self._stored_hour = {}, hour
        self._stored[user] = self._stored.get(user, 0) + 1
        return self._stored[user] <= DEVICE_STORED_PER_HOUR

    def _execute(self, spec: Command, handler, args, request: Request, sender: Sender,
                 digest: str, answer, now: float):
        ctx = CommandContext(request=request, now=now, sender=sender)
        conn = self.store.conn
        conn.execute("SAVEPOINT command")  # inside the batch's transaction: undone alone
        try:
            reply = answer("ok", _result(spec, handler(args, ctx)))
            if not spec.readonly:
                self._remember(request, sender, spec.action, digest, reply[1], now)
            conn.execute("RELEASE command")
            return [reply, *ctx.outbox]
        except CommandError as exc:
            _undo(conn)
            reply = answer("error", error=exc.body)
            if exc.body.code == "forbidden":  # a refusal changes nothing and is not kept
                self.warn.warning("refused %s %s from %s: %s", spec.action, request.id, sender.user,
                            exc.body.message)
            elif not spec.readonly:
                self._remember(request, sender, spec.action, digest, reply[1], now)
            return [reply]
        except Exception:
            _undo(conn)
            log.exception("%s %s failed", spec.action, request.id)
            return [answer("error", error=ErrorBody(
                code="internal", message="the daemon failed on this request; nothing was done, "
                "retry with the same id"))]

    def _remember(self, request: Request, sender: Sender, action: str, digest: str, reply: bytes,
                  now: float) -> None:
        self.store.conn.execute(
            "INSERT INTO _requests (id, client, action, reply, at, digest) VALUES (?, ?, ?, ?, ?, ?)",
            (request.id, sender.user, action, reply.decode(), now, digest))

    def _bad_envelope(self, reply_to: str, payload: bytes, exc) -> list[tuple[str, bytes, bool]]:
        """Answer a malformed request if it has an id to answer; log one line either way."""
        err = exc.errors()[0]
        where = _where(err["loc"]) or "(payload)"
        self.warn.warning("bad request on %s: %s: %s", reply_to.replace("/reply/", "/cmd/"), where,
                          err["msg"][:ECHO_MAX])
        try:
            rid = json.loads(payload)["id"]
            Request.model_validate({"id": rid, "ts": 0})
        except Exception:
            return []  # no id to answer to
        body = ErrorBody(code="bad_request", message=f"{where}: {err['msg']}", field=where)
        return [(reply_to, _reply_json(rid, "error", self.clock.time(), None, body), False)]

    def _unavailable_all(self, batch: list[tuple[str, bytes]],
                         message: str = "storage failed; nothing was done, retry"
                         ) -> list[tuple[str, bytes, bool]]:
        return [m for topic, payload in batch for m in self._unavailable(topic, payload, message)]

    def _unavailable(self, topic: str, payload: bytes, message: str) -> list[tuple[str, bytes, bool]]:
        parsed = command_of(topic)
        try:
            request = Request.model_validate_json(payload)
        except ValidationError:
            return []
        if parsed is None:
            return []
        body = ErrorBody(code="unavailable", message=message)
        reply = _reply_json(request.id, "error", self.clock.time(), None, body)
        return [(self.topics.reply(*parsed), reply, False)]

    def purge(self) -> int:
        """Forget replies older than a day (a retry after that is a new request)."""
        with self.store.db.atomic():
            cur = self.store.conn.execute("DELETE FROM _requests WHERE at < ?",
                                          (self.clock.time() - KEEP_REPLIES_S,))
        return cur.rowcount


def _where(loc) -> str:
    """An error's location, e.g. ``data.service``; a sender's key names are cut short (an
    unknown key of 40,000 characters must not come back in the answer, twice)."""
    where = ".".join(str(p) for p in loc)
    return where if len(where) <= ECHO_MAX else where[:ECHO_MAX] + "…"


def _digest(action: str, data: dict, key: bytes = b"") -> str:
    """What a request asked for, to tell a retry from a new request under an old id."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.blake2b(f"{action}\n{canonical}".encode(), digest_size=16, key=key).hexdigest()


def _undo(conn) -> None:
    """Roll the failed command back to its savepoint (if an error left one to go back to)."""
    if conn.in_transaction:
        conn.execute("ROLLBACK TO command")
        conn.execute("RELEASE command")


def _result(spec: Command, result: Any) -> BaseModel:
    """The handler's answer as the contract's reply model (checked unless it is one already)."""
    if isinstance(result, spec.reply):
        return result
    if isinstance(result, BaseModel):
        result = result.model_dump(mode="json")
    return spec.reply.model_validate(result or {})


def _reply_json(rid: str, status: str, ts: float, data: BaseModel | None,
                error: ErrorBody | None) -> bytes:
    """A Reply's JSON, written directly: the parts are validated models already."""
    head = f'{{"v":1,"id":{json.dumps(rid)},"status":"{status}","ts":{ts!r}'
    if data is not None:
        return f'{head},"data":{data.model_dump_json(exclude_none=True)}}}'.encode()
    if error is not None:
        return f'{head},"error":{error.model_dump_json(exclude_none=True)}}}'.encode()
    return f"{head}}}".encode()
