"""The queue daemon's SQLite schema."""

from hallkit.store import Migration

MIGRATIONS = (
    Migration(1, "tickets, windows, appointments", """
        CREATE TABLE tickets (
            id INTEGER PRIMARY KEY,
            ticket_id TEXT NOT NULL UNIQUE,          -- public id, in the ticket's QR code
            day TEXT NOT NULL,                       -- business day, YYYY-MM-DD
            service TEXT NOT NULL,                   -- current service (a transfer changes it)
            origin_service TEXT NOT NULL,            -- the service it was issued for (quota)
            number TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN
                ('waiting', 'called', 'held', 'done', 'no_show', 'cancelled', 'expired')),
            lane INTEGER NOT NULL CHECK (lane IN (0, 1, 2)),  -- 0 appointment, 1 priority, 2 normal
            priority_class TEXT,
            appointment TEXT,
            taken_at REAL NOT NULL,
            queue_key REAL NOT NULL,                 -- place in line (taken_at unless requeued)
            window INTEGER,                          -- where it is (or was last) called or held
            target_window INTEGER,                   -- transferred to this window only
            called_at REAL,
            ended_at REAL,
            recalls INTEGER NOT NULL DEFAULT 0,
            requeues INTEGER NOT NULL DEFAULT 0,
            clerk TEXT,
            kiosk TEXT,
            id_hash TEXT, id_masked TEXT, phone_hash TEXT, phone_masked TEXT,
            UNIQUE (day, number)
        );
        CREATE INDEX tickets_line ON tickets(day, state, service, target_window, lane, queue_key);
        CREATE INDEX tickets_quota ON tickets(day, origin_service, taken_at);
        CREATE INDEX tickets_key ON tickets(day, queue_key);
        CREATE INDEX tickets_targeted ON tickets(day, target_window, queue_key)
            WHERE state = 'waiting' AND target_window IS NOT NULL;
        CREATE INDEX tickets_served ON tickets(service, ended_at) WHERE state = 'done';
        CREATE INDEX tickets_person ON tickets(day, id_hash) WHERE id_hash IS NOT NULL;
        CREATE TABLE counters (
            day TEXT NOT NULL, service TEXT NOT NULL, last INTEGER NOT NULL,
            PRIMARY KEY (day, service));
        CREATE TABLE windows (
            number INTEGER PRIMARY KEY,
            clerk TEXT,
            paused INTEGER NOT NULL DEFAULT 0,
            ticket INTEGER REFERENCES tickets(id));
        CREATE TABLE lanes (service TEXT PRIMARY KEY, normal_since_priority INTEGER NOT NULL);
        CREATE TABLE appointments (
            code TEXT PRIMARY KEY, service TEXT NOT NULL, start REAL NOT NULL,
            id_hash TEXT, id_masked TEXT, phone_hash TEXT, phone_masked TEXT,
            ticket INTEGER REFERENCES tickets(id), created_at REAL NOT NULL);
        CREATE TABLE ticket_log (
            id INTEGER PRIMARY KEY, ticket INTEGER NOT NULL REFERENCES tickets(id),
            at REAL NOT NULL, action TEXT NOT NULL, window INTEGER, clerk TEXT, detail TEXT);
        CREATE INDEX ticket_log_ticket ON ticket_log(ticket);
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

        -- How many wait, per line: kept by triggers inside each transaction, so the
        -- counts can never disagree with the tickets, and reading them costs nothing.
        CREATE TABLE waiting_counts (
            day TEXT NOT NULL, service TEXT NOT NULL,
            target_window INTEGER NOT NULL,          -- 0: the service's own line
            priority INTEGER NOT NULL,               -- 1: appointment or priority lane
            n INTEGER NOT NULL,
            PRIMARY KEY (day, service, target_window, priority));
        CREATE TRIGGER tickets_waiting_insert AFTER INSERT ON tickets WHEN NEW.state = 'waiting'
        BEGIN
            INSERT INTO waiting_counts VALUES
                (NEW.day, NEW.service, COALESCE(NEW.target_window, 0), NEW.lane < 2, 1)
            ON CONFLICT DO UPDATE SET n = n + 1;
        END;
        CREATE TRIGGER tickets_waiting_update
            AFTER UPDATE OF state, service, target_window, lane, day ON tickets
            WHEN OLD.state = 'waiting' OR NEW.state = 'waiting'
        BEGIN
            UPDATE waiting_counts SET n = n - 1
                WHERE OLD.state = 'waiting' AND day = OLD.day AND service = OLD.service
                AND target_window = COALESCE(OLD.target_window, 0) AND priority = (OLD.lane < 2);
            INSERT INTO waiting_counts
                SELECT NEW.day, NEW.service, COALESCE(NEW.target_window, 0), NEW.lane < 2, 1
                WHERE NEW.state = 'waiting'
            ON CONFLICT DO UPDATE SET n = n + 1;
        END;
    """),
    # Half-day quotas count from the day's number counter (tickets_quota cost every
    # ticket an index insert and every commit a page per service).
    Migration(2, "no quota index", "DROP INDEX tickets_quota;"),
)
