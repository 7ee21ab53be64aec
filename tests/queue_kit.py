"""Drive the queue engine directly (no broker): each operation in its own transaction."""

from __future__ import annotations

from datetime import datetime

from hallkit.clock import ManualClock
from hallkit.config.load import check_text
from hallkit.daemons.queue import contract as q
from hallkit.daemons.queue.engine import Effects, QueueEngine
from hallkit.daemons.queue.schema import MIGRATIONS
from hallkit.pins import hash_pin
from hallkit.runtime.commands import CommandError
from hallkit.store import Store

from conftest import small_hall

MONDAY_9 = datetime(2026, 11, 23, 9, 0)  # a Monday, inside opening hours

PIN = "2468"  # every test clerk's
SERVICES = '''
[[services]]
code = "GJJ"
prefix = "G"
name_zh = "公积金"
name_en = "Housing Fund"
[services.rules]
no_show = "drop"
priority_ratio = 0

[[windows]]
number = 3
services = ["GJJ", "SB"]
call_order = "service_order"

[[clerks]]
id = "1001"
name_zh = "张三"
pin_hash = "{PIN}"
[[clerks]]
id = "1002"
name_zh = "李四"
pin_hash = "{PIN}"
[[clerks]]
id = "1003"
name_zh = "王五"
pin_hash = "{PIN}"
[[clerks]]
id = "1004"
name_zh = "赵六"
pin_hash = "{PIN}"

[devices.kiosk-1]
kind = "kiosk"
'''.replace("{PIN}", hash_pin(PIN, iterations=1000))


def hall_text(storage, extra_rules: str = "", services: str = SERVICES) -> str:
    text = small_hall(storage).replace("daily_quota = 100", "daily_quota = 100" + extra_rules)
    return text.replace("\n[devices.kiosk-1]\nkind = \"kiosk\"\n", "") + services


class Kit:
    """The engine plus helpers: ok() runs an operation, refused() expects a CommandError."""

    def __init__(self, tmp_path, text: str | None = None, start: datetime = MONDAY_9):
        cfg, issues = check_text(text or hall_text(tmp_path))
        assert not issues, [i.format("cfg") for i in issues]
        self.cfg = cfg
        self.clock = ManualClock(start, cfg.hall.timezone)
        self.store = Store(tmp_path / "queue.sqlite", self.clock)
        self.store.migrate("queue", MIGRATIONS)
        with self.store.db.atomic():
            self.engine = QueueEngine(cfg, self.store.conn, self.clock, b"k" * 32)
            self.engine.rollover(self.clock.time(), Effects())
        self.events: list[tuple[str, object]] = []

    def ok(self, op: str, *args):
        fx = Effects()
        with self.store.db.atomic():
            result = getattr(self.engine, op)(*args, self.clock.time(), fx)
        self.events.extend(fx.events)
        return result

    def refused(self, code: str, op: str, *args) -> CommandError:
        before = self.snapshot()
        try:
            self.ok(op, *args)
        except CommandError as exc:
            assert exc.body.code == code, exc.body
            assert self.snapshot() == before, "a refusal changed the database"
            return exc
        raise AssertionError(f"{op}{args} was not refused with {code}")

    def snapshot(self):
        conn = self.store.conn
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                for t in ("tickets", "windows", "counters", "lanes", "appointments", "ticket_log")}

    # shorthands
    def take(self, service: str = "BDC", **kw) -> q.TicketIssued:
        return self.ok("issue", q.Issue(service=service, **kw))

    def login(self, window: int, clerk: str, pin: str | None = PIN) -> None:
        self.ok("login", window, clerk, pin)

    def call(self, window: int) -> str:
        return self.ok("call_next", window).number

    def state(self, number: str) -> str:
        return self.store.conn.execute("SELECT state FROM tickets WHERE number = ? ORDER BY id DESC",
                                       (number,)).fetchone()[0]
