"""Ratings (好差评) over a real broker: the queue ends a service, the rating daemon opens that
window's rating, and the window's devices answer — the rating pad on an FF 68 keypad (a
real pty, the keypad simulator on the far side) and an MQTT tablet (a plain client as the
tablet). One rating per service; 未评价 on timeout, never a level; a bad rating's reasons
and follow-up within working days; the day's files read back; the good rate."""

from __future__ import annotations

import asyncio
import csv
import json
import time
from datetime import date
from pathlib import Path

from queue_kit import MONDAY_9

from hallkit.bus.client import BusClient
from hallkit.bus.settings import bus_settings
from hallkit.clock import ManualClock
from hallkit.config.load import load_config
from hallkit.daemons.keypad.daemon import KeypadDaemon
from hallkit.daemons.queue.daemon import QueueDaemon
from hallkit.daemons.rating.daemon import RatingDaemon
from hallkit.daemons.rating.workdays import add_working_days
from hallkit.drivers.ff68.sim import KeypadBusSim

from conftest import harness, small_hall


def rating_hall(path: str, rating: str = "") -> str:
    return f'''
[devices.kp-1]
kind = "keypad"
family = "ff68"
link = "serial:{path}"
address = 1
options = {{ rating_pad = true }}

[devices.tab-2]
kind = "rating"
family = "mqtt-tablet"
link = "mqtt"

[rating]
reasons = ["等候时间长", "服务态度不好", "一次告知不清楚"]
follow_up_days = 5
holidays = ["2026-11-25"]
{rating}
'''


class Hall:
    def __init__(self, tmp_path, broker, write_config, rating: str = "") -> None:
        self.tmp, self.broker, self.write_config, self.rating = tmp_path, broker, write_config, rating
        self.events: list[tuple[str, dict]] = []
        self.states: list[dict] = []

    async def __aenter__(self):
        self.sim = KeypadBusSim([1])
        await self.sim.start()
        extra = rating_hall(self.sim.path, self.rating)
        text = small_hall(self.tmp / "var", port=self.broker.port, extra=extra)
        text = text.replace('services = ["BDC"]\n', 'services = ["BDC"]\nkeypad = "kp-1"\n')
        text = text.replace('services = ["SB", "BDC"]\n', 'services = ["SB", "BDC"]\nrating = "tab-2"\n')
        self.cfg = load_config(self.write_config(text))
        self.clock = ManualClock(MONDAY_9, self.cfg.hall.timezone)
        self._queue = harness(QueueDaemon, self.cfg, clock=self.clock)
        self.queue = await self._queue.__aenter__()
        self._rating = harness(RatingDaemon, self.cfg, clock=self.clock)
        self.ratings = await self._rating.__aenter__()
        self.keypad = KeypadDaemon(self.cfg, clock=self.clock, bus_settings=bus_settings(self.cfg, None))
        self.keypad_task = asyncio.create_task(self.keypad.run())
        self.tablet = BusClient(bus_settings(self.cfg, "tab-2"), "test-tablet", hall="t1")
        self.tablet.subscribe("hall/t1/rating/main/event/+", lambda t, p: self.events.append(
            (t.rsplit("/", 1)[1], json.loads(p)["data"])))
        self.tablet.subscribe("hall/t1/rating/main/state", lambda t, p: self.states.append(json.loads(p)))
        await self.tablet.connect()
        while not self.keypad._online:
            await asyncio.sleep(0.01)
        return self

    async def __aexit__(self, *exc):
        await self.tablet.close()
        self.keypad.request_stop()
        await asyncio.wait_for(self.keypad_task, 5)
        await self._rating.__aexit__(*exc)
        await self._queue.__aexit__(*exc)
        self.sim.close()

    async def until(self, condition, timeout: float = 6.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, f"timed out; events {self.events[-3:]}"
            await asyncio.sleep(0.01)

    async def serve(self, window: int, clerk: str) -> str:
        """A ticket called and served to the end at ``window``: its number."""
        await self.queue.request("login", {"window": window, "clerk": clerk})
        number = (await self.queue.request("issue", {"service": "BDC"})).data["number"]
        await self.queue.request("call-next", {"window": window})
        self.clock.advance(120)
        await self.queue.request("end", {"window": window})
        await self.until(lambda: any(n == "ask" and d["number"] == number for n, d in self.events))
        return number

    async def rate(self, data: dict, client=None):
        return await (client or self.tablet).request("hall/t1/rating/main/cmd/rate", data)


def test_ending_a_service_starts_the_pad_and_its_level_is_the_one_rating(tmp_path, broker, write_config):
    async def scenario():
        async with Hall(tmp_path, broker, write_config) as hall:
            pad = hall.sim.keypads[1]
            number = await hall.serve(1, "1001")
            await hall.until(lambda: pad.rating_lit)  # 完成 lit the pad, no 评价 key needed
            await hall.sim.press(1, "rating", b"\x00")  # level 0: refused and counted
            await hall.sim.press(1, "rating", b"\x06")
            await hall.until(lambda: hall.keypad.refused_levels == 2)
            await hall.sim.press(1, "rating", b"\x05")
            await hall.until(lambda: pad.led.strip() == "THANKS")
            await hall.sim.press(1, "rating", b"\x04")  # a second press: the pad says so
            await hall.until(lambda: pad.led.strip() == "RATED")
            ratings = (await hall.ratings.request("list", {})).data["ratings"]
            assert [(r["number"], r["level"], r["channel"], r["window"]) for r in ratings] == [
                (number, 5, "keypad-pad", 1)]
            closed = [d for n, d in hall.events if n == "closed"]
            assert closed and closed[-1]["outcome"] == "rated"

    asyncio.run(scenario())


def test_a_tablet_rates_its_own_window_a_bad_rating_asks_reasons_and_opens_a_follow_up(
        tmp_path, broker, write_config):
    async def scenario():
        async with Hall(tmp_path, broker, write_config) as hall:
            number = await hall.serve(2, "1002")
            await hall.until(lambda: hall.states and any(a["window"] == 2 for a in hall.states[-1]["asks"]))
            ask = next(a for a in hall.states[-1]["asks"] if a["window"] == 2)
            assert ask["number"] == number
            assert ask["reasons"] == ["等候时间长", "服务态度不好", "一次告知不清楚"]
            wrong = await hall.rate({"window": 1, "level": 5})  # not its window
            assert wrong.error.code == "not_your_window"
            odd = await hall.rate({"window": 2, "level": 1, "reasons": ["天气不好"]})
            assert odd.error.code == "bad_request"  # a reason the hall does not list
            rated = await hall.rate({"window": 2, "ask_id": ask["ask_id"], "level": 1,
                                     "reasons": ["等候时间长"], "comment": "等了\x07很久",
                                     "phone": "13907315678", "sub_scores": {"attitude": 2, "efficiency": 1}})
            assert rated.status == "ok" and rated.data["follow_up"] is True
            again = await hall.rate({"window": 2, "level": 5})
            assert again.error.code == "already_rated"  # one rating per service
            pad = BusClient(bus_settings(hall.cfg, "daemon-keypad"), "test-pad", hall="t1")
            await pad.connect()
            other = await hall.rate({"window": 2, "level": 5}, client=pad)  # a second device answers too
            await pad.close()
            assert other.error.code == "already_rated"
            line = (await hall.ratings.request("show", {"rating_id": rated.data["rating_id"]})).data
            assert line["comment"] == "等了很久" and line["phone_masked"] == "139****5678"
            # Monday 23 Nov + 5 working days, Wednesday 25th a holiday: Tuesday 1 Dec.
            assert line["follow_up"]["deadline"] == "2026-12-01" and line["follow_up"]["owner"] == "值班主任"
            db = (hall.cfg.storage_path / "rating.sqlite").read_bytes()
            assert b"13907315678" not in db  # the rater's phone only masked and hashed

    asyncio.run(scenario())


def test_no_rating_in_time_is_unrated_never_a_level(tmp_path, broker, write_config):
    async def scenario():
        unrated = "record_unrated = true\ntimeout_s = 60"
        async with Hall(tmp_path, broker, write_config, rating=unrated) as hall:
            number = await hall.serve(2, "1002")
            hall.clock.advance(63)  # 60 s, and the 2 s a rating sent just in time may take
            await hall.until(lambda: any(n == "closed" and d["outcome"] == "unrated" for n, d in hall.events))
            late = await hall.rate({"window": 2, "level": 5})
            assert late.error.code == "no_rating_open"
            ratings = (await hall.ratings.request("list", {})).data["ratings"]
            assert [(r["number"], r.get("level"), r["channel"]) for r in ratings] == [(number, None, "none")]

    asyncio.run(scenario())


def test_follow_up_goes_overdue_with_the_clock_and_is_answered_and_closed(tmp_path, broker, write_config):
    async def scenario():
        async with Hall(tmp_path, broker, write_config) as hall:
            await hall.serve(2, "1002")
            rated = (await hall.rate({"window": 2, "level": 2})).data
            rid = rated["rating_id"]
            listed = (await hall.ratings.request("list", {"bad": True, "open": True})).data["ratings"]
            assert [r["rating_id"] for r in listed] == [rid]
            hall.clock.advance(9 * 86400)  # past the deadline (Tuesday 1 Dec)
            hall.ratings.daemon.housekeeping()
            await hall.until(lambda: "1 OVERDUE" in hall.states[-1]["summary"])
            shown = (await hall.ratings.request("show", {"rating_id": rid})).data
            assert shown["follow_up"]["overdue"] is True
            early = await hall.ratings.request("follow-up", {"rating_id": rid, "close": True})
            assert early.error.code == "bad_request"  # answered first
            await hall.ratings.request("follow-up", {"rating_id": rid, "assign": "窗口组长"})
            done = (await hall.ratings.request("follow-up", {"rating_id": rid, "answer": "已电话回访并致歉",
                                                              "close": True})).data
            assert done["follow_up"]["state"] == "closed" and done["follow_up"]["owner"] == "窗口组长"
            assert (await hall.ratings.request("list", {"bad": True, "open": True})).data["ratings"] == []

    asyncio.run(scenario())


def test_the_days_files_read_back_and_the_good_rate_is_counted(tmp_path, broker, write_config):
    async def scenario():
        async with Hall(tmp_path, broker, write_config) as hall:
            for level in (5, 4, 1):
                await hall.serve(2, "1002")
                reasons = ["服务态度不好"] if level < 3 else []
                await hall.rate({"window": 2, "level": level, "reasons": reasons})
            day = hall.clock.now().date().isoformat()
            files = (await hall.ratings.request("export", {"day": day})).data
            stats = (await hall.ratings.request("stats", {"since": day, "until": day, "by": "clerk"})).data
            return files, stats

    files, stats = asyncio.run(scenario())
    raw = Path(files["csv"]).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs
    with open(files["csv"], encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["level"] for r in rows] == ["5", "4", "1"] and rows[2]["reasons"] == "服务态度不好"
    assert rows[0]["level_name"] == "非常满意" and rows[0]["clerk_id"] == "1002"
    assert rows[0]["rated_at"].endswith("+08:00")
    lines = [json.loads(line) for line in Path(files["jsonl"]).read_text(encoding="utf-8").splitlines()]
    assert [r["level"] for r in lines] == [5, 4, 1] and lines[2]["follow_up_state"] == "open"
    assert stats["rows"] == [{"key": "1002", "services": 3, "rated": 3, "good": 2, "bad": 1,
                              "good_rate": 0.6667}]


def test_working_days_skip_weekends_and_holidays_and_count_days_worked_in_lieu():
    holidays = {date(2026, 10, d) for d in range(1, 9)}
    assert add_working_days(date(2026, 11, 27), 1, set(), set()) == date(2026, 11, 30)  # Fri → Mon
    assert add_working_days(date(2026, 9, 30), 1, holidays, set()) == date(2026, 10, 9)
    assert add_working_days(date(2026, 9, 25), 1, holidays, {date(2026, 9, 26)}) == date(2026, 9, 26)


def test_a_usb_rating_pad_rates_its_window_once(tmp_path, broker, write_config, monkeypatch):
    from evdev import InputEvent, ecodes

    presses: asyncio.Queue = asyncio.Queue()

    class Pad:  # stands where evdev.InputDevice is (no /dev/input here)
        def grab(self):
            pass

        def close(self):
            pass

        async def async_read_loop(self):
            while True:
                yield await presses.get()

    def press(name: str, value: int = 1) -> None:
        presses.put_nowait(InputEvent(0, 0, ecodes.EV_KEY, ecodes.ecodes[name], value))

    monkeypatch.setattr("hallkit.drivers.hid.reader._evdev_open", lambda path: Pad())
    pad = '''
[devices.pad-1]
kind = "rating"
family = "hid-rating"
link = "evdev:/dev/input/by-id/usb-Rating_Pad-event-kbd"
options = { buttons = 3 }
'''
    text = small_hall(tmp_path / "var", port=broker.port, extra=pad)
    text = text.replace('services = ["BDC"]\n', 'services = ["BDC"]\nrating = "pad-1"\n')
    cfg = load_config(write_config(text))
    clock = ManualClock(MONDAY_9, cfg.hall.timezone)

    async def scenario():
        async with harness(QueueDaemon, cfg, clock=clock) as queue, \
                harness(RatingDaemon, cfg, clock=clock) as ratings:
            press("KEY_1")  # nothing open yet: the press changes nothing
            await queue.request("login", {"window": 1, "clerk": "1001"})
            await queue.request("issue", {"service": "BDC"})
            await queue.request("call-next", {"window": 1})
            await queue.request("end", {"window": 1})
            while not ratings.daemon.book.open_asks():
                await asyncio.sleep(0.01)
            press("KEY_2", 0)  # a release, and an auto-repeat: no presses
            press("KEY_2", 2)
            press("KEY_2")     # the middle of three buttons: 基本满意
            press("KEY_1")     # a second press: ignored
            while ratings.daemon.book.open_asks() or not presses.empty():
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.05)
            return (await ratings.request("list", {})).data["ratings"]

    ratings = asyncio.run(scenario())
    assert [(r["level"], r["channel"], r["window"]) for r in ratings] == [(3, "window-pad", 1)]


def test_a_service_ended_long_ago_opens_no_rating_and_a_replaced_one_is_still_rated_by_its_id(tmp_path):
    from hallkit.config.load import check_text
    from hallkit.daemons.queue.contract import EndedEvent
    from hallkit.daemons.rating import contract as msg
    from hallkit.daemons.rating.book import MIGRATIONS, RatingBook
    from hallkit.daemons.rating.settings import RatingSettings
    from hallkit.store import Store

    cfg, issues = check_text(small_hall(tmp_path / "var"))
    assert not issues
    clock = ManualClock(MONDAY_9, cfg.hall.timezone)
    store = Store(tmp_path / "rating.sqlite", clock)
    store.migrate("rating", MIGRATIONS)
    book = RatingBook(cfg, store.conn, RatingSettings(record_unrated=True), b"k" * 32, {2: "tablet"})
    now = clock.time()

    def ended(ticket: str, number: str) -> EndedEvent:
        return EndedEvent(ticket_id=ticket, number=number, service="SB", window=2, clerk="1002", served_s=90,
                          waited_s=300)

    # Held by the broker while the daemon was down for an hour: the citizen has long gone.
    ask, closed = book.open(ended("t-old", "B001"), now - 3600, now)
    assert ask is None and closed == []
    first, _ = book.open(ended("t-2", "B002"), now, now)
    _, closed = book.open(ended("t-3", "B003"), now + 20, now + 20)  # the next service, quickly
    assert [c.outcome for c in closed] == ["replaced"] and closed[0].ask_id == first.ask_id
    book.rate(msg.Rate(window=2, ask_id=first.ask_id, level=4), "tablet", "tab-2", now + 30)
    book.rate(msg.Rate(window=2, level=5), "keypad-pad", "kp-2", now + 31)  # a pad: the newest
    lines = {line.number: line for line in book.list(msg.ListAsk(), now + 40)}
    assert (lines["B002"].level, lines["B003"].level, lines["B001"].level) == (4, 5, None)
    assert book.expire(now + 200) == []  # both rated: nothing left to close
    store.close()


def test_a_record_the_platform_refuses_for_good_is_set_aside_and_the_rest_go_on(tmp_path):
    import http.server
    import sqlite3
    import threading

    import pytest

    from hallkit.daemons.rating import upload
    from hallkit.daemons.rating.book import MIGRATIONS
    from hallkit.daemons.rating.settings import UploadSettings
    from hallkit.store import Store

    codes = [400, 503, 200]

    class Platform(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(codes.pop(0))
            self.end_headers()
            self.wfile.write(b'{"code": 0}')

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Platform)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        http_up = upload.HttpUploader(UploadSettings(uploader="http", url=f"http://127.0.0.1:{server.server_port}/r"),
                                      tmp_path)
        with pytest.raises(upload.Refused, match="400"):
            http_up.upload({"rating_id": "r1"})
        with pytest.raises(upload.UploadError, match="503") as again:
            http_up.upload({"rating_id": "r1"})
        assert not isinstance(again.value, upload.Refused)  # a busy platform: tried again later
        assert http_up.upload({"rating_id": "r1"}) == '{"code": 0}'
    finally:
        server.shutdown()
    store = Store(tmp_path / "rating.sqlite", ManualClock(MONDAY_9, "Asia/Shanghai"))
    store.migrate("rating", MIGRATIONS)
    conn: sqlite3.Connection = store.conn
    conn.executemany("INSERT INTO outbox (rating_id, next_at) VALUES (?, 0)", [("r1",), ("r2",)])
    seq, first, attempts = upload.next_due(conn, 1.0)
    assert first == "r1"
    upload.mark(conn, seq, attempts, 1.0, None, "Refused: 400", refused=True)
    assert upload.next_due(conn, 1.0)[1] == "r2"  # the rest is not held up behind it
    upload.mark(conn, 2, 1024, 1.0, None, "UploadError: 503")  # ten days of failures: no overflow
    assert upload.next_due(conn, 1.0 + 899) is None and upload.next_due(conn, 1.0 + 900) is not None
    store.close()
