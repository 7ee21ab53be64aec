"""Random command sequences against the queue daemon's dispatcher, checking invariants.

Commands go through the same path as on the bus (envelope, validation, one
transaction, stored replies); only the publishing end is a recorder, because
the properties here are about the store, not the broker.
"""

from __future__ import annotations

import json
from datetime import datetime

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from queue_kit import PIN, hall_text

from hallkit.bus.client import BusSettings, encode
from hallkit.clock import ManualClock
from hallkit.config.load import check_text
from hallkit.daemons.queue import contract as q
from hallkit.daemons.queue.daemon import QueueDaemon

WINDOWS = (1, 2, 3)
SERVICES = ("BDC", "SB", "GJJ")
CLERKS = ("1001", "1002", "1003")


class Recorder:
    """Stands where the broker connection is: keeps what the daemon publishes."""

    def __init__(self):
        self.sent: list[tuple[str, bytes]] = []

    def publish(self, topic, payload, qos=1, retain=False):
        self.sent.append((topic, encode(payload)))

    def flush(self):
        pass


class QueueMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        import tempfile
        from pathlib import Path
        self.tmp = tempfile.TemporaryDirectory()
        text = hall_text(Path(self.tmp.name) / "var").replace(
            'mon = ["08:30-12:00", "13:30-17:30"]', 'mon = ["00:00-23:59"]')
        cfg, issues = check_text(text)
        assert not issues
        cfg._source = Path(self.tmp.name) / "hall.toml"
        self.clock = ManualClock(datetime(2026, 11, 23, 8, 0), cfg.hall.timezone)
        self.daemon = QueueDaemon(cfg, clock=self.clock, bus_settings=BusSettings())
        self.daemon.bus = self.daemon.commands.bus = self.rec = Recorder()
        self.daemon.commands.after_batch = self.daemon._publish_dirty  # no event loop here
        self.daemon._rollover()
        self.sent: list[tuple[str, bytes]] = []  # every request, for replays
        self.issued: set[str] = set()
        self.n = 0
        for window, clerk in zip(WINDOWS, CLERKS, strict=True):  # a staffed hall to start with
            self.send("login", {"window": window, "clerk": clerk})

    def teardown(self):
        self.daemon.store.close()
        self.tmp.cleanup()

    # -- sending ------------------------------------------------------------------
    def send(self, action: str, data: dict, payload: bytes | None = None) -> dict:
        self.n += 1
        topic = f"{self.daemon.topics.cmd(action)}/hallctl"  # sent as ops
        payload = payload or json.dumps({"v": 1, "id": f"r{self.n}",
                                         "ts": self.clock.time(), "data": data}).encode()
        mark = len(self.rec.sent)
        self.daemon.commands.run_batch([(topic, payload)])
        self.sent.append((topic, payload))
        reply_topic = f"hall/t1/queue/main/reply/{action}/hallctl"
        replies = [json.loads(p) for t, p in self.rec.sent[mark:] if t == reply_topic]
        assert len(replies) == 1
        reply = replies[0]
        assert reply["status"] == "ok" or reply["error"]["code"] != "internal", reply
        if action == "issue" and reply["status"] == "ok":
            self.issued.add(reply["data"]["ticket_id"])
        return reply

    def rows(self, sql, args=()):
        return self.daemon.store.conn.execute(sql, args).fetchall()

    def numbers(self, states):
        marks = ",".join("?" * len(states))
        return [r[0] for r in self.rows(f"SELECT number FROM tickets WHERE state IN ({marks})", states)]

    # -- rules ---------------------------------------------------------------------
    @rule(service=st.sampled_from(SERVICES), prio=st.booleans(), count=st.integers(1, 4),
          person=st.sampled_from([None, None, "11010519491231002X", "440524188001010014"]))
    def issue(self, service, prio, count, person):
        data = {"service": service}
        if prio:
            data["priority_class"] = "elderly"
        if person:
            data["id_number"] = person
        for _ in range(count):
            reply = self.send("issue", data)
            if reply["status"] == "ok":  # what the ticket says is where the play-out puts it
                told = reply["data"]["ahead"]
                assert told == self.place(reply["data"]["ticket_id"]), \
                    f"{reply['data']['number']} was told {told} ahead"

    @rule(window=st.sampled_from(WINDOWS), clerk=st.sampled_from(CLERKS),
          out=st.sampled_from([False, False, False, True]))
    def staffing(self, window, clerk, out):
        if out:
            self.send("logout", {"window": window})
        else:
            self.send("login", {"window": window, "clerk": clerk, "pin": PIN})

    @rule(window=st.sampled_from(WINDOWS))
    def call_next(self, window):
        before = self.rows("SELECT id, service, lane, queue_key, target_window FROM tickets"
                           " WHERE state = 'waiting'")
        listed = self.send("window-next", {"window": window, "limit": 1})["data"]["tickets"]
        reply = self.send("call-next", {"window": window})
        if reply["status"] != "ok":
            return
        assert [t["number"] for t in listed] == [reply["data"]["number"]], \
            "the clerk's next-list did not show the ticket call-next took"
        called = next(r for r in before if r[0] == self.rows(
            "SELECT id FROM tickets WHERE ticket_id = ?", (reply["data"]["ticket_id"],))[0][0])
        targeted = [r for r in before if r[4] == window]
        if targeted:
            assert called == min(targeted, key=lambda r: (r[3], r[0]))
            return
        window_services = self.daemon.engine.windows[window].services
        assert called[1] in window_services and called[4] is None
        same_lane = [r for r in before if r[1] == called[1] and r[4] is None
                     and (r[2] < 2) == (called[2] < 2)]
        assert called == min(same_lane, key=lambda r: (r[3], r[0])), "not the head of its lane"

    @rule(window=st.sampled_from(WINDOWS), action=st.sampled_from(
        ["recall", "no-show", "hold", "end", "end", "pause"]))
    def window_action(self, window, action):
        self.send(action, {"window": window})  # pause without `paused` toggles

    @rule(window=st.sampled_from(WINDOWS), to=st.sampled_from(SERVICES + WINDOWS))
    def transfer(self, window, to):
        key = "to_window" if isinstance(to, int) else "to_service"
        self.send("transfer", {"window": window, key: to})

    @precondition(lambda self: self.issued)
    @rule(window=st.sampled_from(WINDOWS), data=st.data())
    def call_or_resume_number(self, window, data):
        candidates = self.numbers(("waiting", "no_show", "held", "done"))
        if candidates:
            number = data.draw(st.sampled_from(candidates))
            action = data.draw(st.sampled_from(["call-number", "resume", "cancel"]))
            body = {"number": number} if action == "cancel" else {"window": window, "number": number}
            self.send(action, body)

    @precondition(lambda self: self.sent)
    @rule(data=st.data())
    def replay(self, data):
        """A repeated request id: same answer, nothing changes."""
        topic, payload = data.draw(st.sampled_from(self.sent))
        before = self.rows("SELECT * FROM tickets ORDER BY id"), self.rows("SELECT * FROM windows")
        mark = len(self.rec.sent)
        original = self._reply_for(payload)
        self.daemon.commands.run_batch([(topic, payload)])
        again = [p for t, p in self.rec.sent[mark:] if "/reply/" in t]
        after = self.rows("SELECT * FROM tickets ORDER BY id"), self.rows("SELECT * FROM windows")
        assert after == before
        if original is not None:  # queries are answered afresh, commands from the store
            assert again == [original]

    def _reply_for(self, payload: bytes) -> bytes | None:
        rid = json.loads(payload)["id"]
        row = self.rows("SELECT reply FROM _requests WHERE client = 'hallctl' AND id = ?", (rid,))
        return row[0][0].encode() if row else None

    @rule(seconds=st.integers(0, 900))
    def time_passes(self, seconds):
        self.clock.advance(seconds)

    def place(self, ticket_id: str) -> int:
        """Where the clerks' next-lists put a ticket: its smallest place over the windows that
        can call it (by its service alone where none can)."""
        engine = self.daemon.engine
        row = self.rows("SELECT service, target_window FROM tickets WHERE ticket_id = ?",
                        (ticket_id,))[0]
        number = self.rows("SELECT number FROM tickets WHERE ticket_id = ?", (ticket_id,))[0][0]
        windows = [row[1]] if row[1] is not None else engine.windows_of[row[0]]
        places = [[t.number for t in engine.window_next(w, 10_000, self.clock.time()).tickets]
                  .index(number) for w in windows]
        return min(places) if places else engine.status(q.TicketRef(ticket_id=ticket_id),
                                                        self.clock.time()).ahead

    # -- invariants -------------------------------------------------------------------
    @invariant()
    def every_waiting_ticket_is_told_its_place_in_the_play_out(self):
        engine = self.daemon.engine
        for (ticket_id,) in self.rows("SELECT ticket_id FROM tickets WHERE state = 'waiting'"):
            status = engine.status(q.TicketRef(ticket_id=ticket_id), self.clock.time())
            assert status.ahead == self.place(ticket_id)

    @invariant()
    def no_ticket_lost_or_doubled(self):
        ids = {r[0] for r in self.rows("SELECT ticket_id FROM tickets")}
        assert ids == self.issued
        count, distinct = self.rows("SELECT COUNT(*), COUNT(DISTINCT day || number) FROM tickets")[0]
        assert count == distinct

    @invariant()
    def windows_and_tickets_agree(self):
        serving = dict(self.rows("SELECT ticket, number FROM windows WHERE ticket IS NOT NULL"))
        called = dict(self.rows("SELECT id, window FROM tickets WHERE state = 'called'"))
        assert serving == called  # each called ticket is at exactly the window that serves it
        for clerk, paused, ticket in self.rows("SELECT clerk, paused, ticket FROM windows"):
            assert clerk is not None or (ticket is None and not paused)
        assert not self.rows("SELECT id FROM tickets WHERE state = 'held' AND window IS NULL")

    @invariant()
    def waiting_counts_match_the_tickets(self):
        kept = {r[:4]: r[4] for r in self.rows("SELECT * FROM waiting_counts WHERE n != 0")}
        counted = {r[:4]: r[4] for r in self.rows(
            "SELECT day, service, COALESCE(target_window, 0), lane < 2, COUNT(*) FROM tickets"
            " WHERE state = 'waiting' GROUP BY 1, 2, 3, 4")}
        assert kept == counted

    @invariant()
    def one_clerk_one_window(self):
        clerks = [r[0] for r in self.rows("SELECT clerk FROM windows WHERE clerk IS NOT NULL")]
        assert len(clerks) == len(set(clerks))


QueueMachine.TestCase.settings = settings(
    max_examples=100, stateful_step_count=50, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
TestQueueMachine = QueueMachine.TestCase
