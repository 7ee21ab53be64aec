import sqlite3
from datetime import datetime

import pytest

from hallkit.clock import ManualClock
from hallkit.runtime.commands import RUNTIME_MIGRATIONS
from hallkit.store import Migration, Store

CLOCK = ManualClock(datetime(2026, 11, 23, 9, 0))
V1 = Migration(1, "tickets", "CREATE TABLE tickets (id INTEGER PRIMARY KEY, number TEXT NOT NULL);")
V2 = Migration(2, "ticket service", "ALTER TABLE tickets ADD COLUMN service TEXT;"
                                     "\nCREATE INDEX tickets_service ON tickets(service);")


def test_pragmas_for_durability(tmp_path):
    store = Store(tmp_path / "q.sqlite", CLOCK)
    conn = store.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000


def test_migrations_apply_once_in_order(tmp_path):
    store = Store(tmp_path / "q.sqlite", CLOCK)
    assert store.migrate("queue", [V1, V2]) == [1, 2]
    assert store.migrate("queue", [V1, V2]) == []
    assert store.version("queue") == 2
    assert store.version("runtime") == 0  # scopes are independent
    store.conn.execute("INSERT INTO tickets (number, service) VALUES ('A001', 'BDC')")


def test_backup_is_taken_before_migrating_an_existing_file(tmp_path):
    path = tmp_path / "q.sqlite"
    store = Store(path, CLOCK)
    store.migrate("queue", [V1])
    with store.db.atomic():
        store.conn.execute("INSERT INTO tickets (number) VALUES ('A001')")
    store.close()
    store = Store(path, CLOCK)
    store.migrate("queue", [V1, V2])
    backups = list(tmp_path.glob("q.before-queue-2.*.bak.sqlite"))
    assert len(backups) == 1
    old = sqlite3.connect(backups[0])
    assert old.execute("SELECT number FROM tickets").fetchall() == [("A001",)]
    assert [r[1] for r in old.execute("PRAGMA table_info(tickets)")] == ["id", "number"]


def test_a_failing_migration_changes_nothing(tmp_path):
    store = Store(tmp_path / "q.sqlite", CLOCK)
    store.migrate("queue", [V1])
    broken = Migration(2, "broken", "ALTER TABLE tickets ADD COLUMN x TEXT;\nCREATE TABLE tickets (y);")
    with pytest.raises(sqlite3.OperationalError):
        store.migrate("queue", [V1, broken])
    assert store.version("queue") == 1
    assert [r[1] for r in store.conn.execute("PRAGMA table_info(tickets)")] == ["id", "number"]


def test_a_newer_file_is_refused(tmp_path):
    store = Store(tmp_path / "q.sqlite", CLOCK)
    store.migrate("queue", [V1, V2])
    with pytest.raises(RuntimeError, match="newer than this hallkit knows"):
        store.migrate("queue", [V1])


def test_migration_numbers_must_rise(tmp_path):
    store = Store(tmp_path / "q.sqlite", CLOCK)
    with pytest.raises(ValueError, match="must rise from 1"):
        store.migrate("queue", [V2, V1])


def test_stored_replies_survive_rekeying_requests_by_id(tmp_path):
    path = tmp_path / "q.sqlite"
    store = Store(path, CLOCK)
    store.migrate("runtime", RUNTIME_MIGRATIONS[:1])
    with store.db.atomic():
        store.conn.execute("INSERT INTO _requests VALUES ('kiosk-1', 'r1', 'issue', '{\"v\":1}', 5.0)")
    store.close()
    store = Store(path, CLOCK)
    store.migrate("runtime", RUNTIME_MIGRATIONS)
    row = store.conn.execute("SELECT reply, action FROM _requests WHERE id = 'r1' AND client = 'kiosk-1'")
    assert row.fetchone() == ('{"v":1}', "issue")
    key = store.conn.execute("SELECT name FROM pragma_index_info('sqlite_autoindex__requests_1')")
    assert [r[0] for r in key] == ["id", "client"]
