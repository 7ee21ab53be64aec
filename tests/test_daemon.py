"""The daemon runtime through the hall daemon, in this process, on a real broker."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3

from hallkit.contract.envelope import Reply
from hallkit.daemons.hall.daemon import HallDaemon

from conftest import harness


def notices_in_db(cfg):
    conn = sqlite3.connect(cfg.storage_path / "hall.sqlite")
    return conn.execute("SELECT text_zh FROM notices WHERE removed_at IS NULL").fetchall()


def test_ping_answers(hall_cfg, run):
    async def scenario():
        async with harness(HallDaemon, hall_cfg) as h:
            reply = await h.request("ping", {})
            assert reply.status == "ok" and reply.data["uptime_s"] >= 0

    run(scenario())


def test_repeated_request_id_gets_the_stored_reply_and_no_second_effect(hall_cfg, run):
    async def scenario():
        async with harness(HallDaemon, hall_cfg) as h:
            first = await h.request("notice-add", {"text_zh": "今日下午停电检修"}, request_id="n-1")
            again = await h.request("notice-add", {"text_zh": "今日下午停电检修"}, request_id="n-1")
            other = await h.request("notice-add", {"text_zh": "周六不办理公积金"}, request_id="n-2")
            return first, again, other

    first, again, other = run(scenario())
    assert first.status == "ok" and first.data == {"notice_id": 1}
    assert again == first  # same id, same answer, same timestamp: it is the stored one
    assert other.data == {"notice_id": 2}
    assert notices_in_db(hall_cfg) == [("今日下午停电检修",), ("周六不办理公积金",)]


def test_the_stored_reply_survives_a_restart(hall_cfg, run):
    async def scenario():
        async with harness(HallDaemon, hall_cfg) as h:
            first = await h.request("notice-add", {"text_zh": "通知"}, request_id="same")
        async with harness(HallDaemon, hall_cfg) as h:
            again = await h.request("notice-add", {"text_zh": "通知"}, request_id="same")
        return first, again

    first, again = run(scenario())
    assert again == first
    assert notices_in_db(hall_cfg) == [("通知",)]


def test_bad_payloads_get_error_replies_and_the_loop_goes_on(hall_cfg, run, caplog):
    caplog.set_level(logging.WARNING)

    async def scenario():
        async with harness(HallDaemon, hall_cfg) as h:
            missing = await h.request("notice-add", {})
            extra = await h.request("notice-add", {"text_zh": "x", "colour": "red"})
            wrong_type = await h.request("notice-remove", {"notice_id": "seven"})
            unknown = await h.request("explode", {})
            # Raw garbage: no id to answer to; it is logged, nothing else.
            topic = f"{h.daemon.topics.cmd('notice-add')}/{h.client.identity}"
            h.client.publish(topic, b"\xff\xfe not json")
            # An envelope error with an id is answered.
            got = asyncio.get_running_loop().create_future()
            h.client._pending["raw-1"] = got
            h.client.publish(topic, json.dumps({"v": 1, "id": "raw-1"}))
            envelope = await asyncio.wait_for(got, 3)
            alive = await h.request("ping", {})
            return missing, extra, wrong_type, unknown, envelope, alive

    missing, extra, wrong_type, unknown, envelope, alive = run(scenario())
    assert (missing.status, missing.error.code, missing.error.field) == \
        ("error", "bad_request", "data.text_zh")
    assert extra.error.field == "data.colour"
    assert wrong_type.error.field == "data.notice_id"
    assert unknown.error.code == "unknown_action"
    assert envelope.error.field == "ts" and envelope.error.code == "bad_request"
    assert alive.status == "ok"
    assert notices_in_db(hall_cfg) == []
    bad_lines = [r for r in caplog.records if "bad" in r.getMessage()]
    assert len(bad_lines) == 5  # one line per bad request


def test_a_reused_id_with_other_content_is_refused_and_changes_nothing(hall_cfg, run):
    async def scenario():
        async with harness(HallDaemon, hall_cfg) as h:
            added = await h.request("notice-add", {"text_zh": "通知"}, request_id="same")
            retry = await h.request("notice-add", {"text_zh": "通知"}, request_id="same")
            other_data = await h.request("notice-add", {"text_zh": "别的"}, request_id="same")
            other_action = await h.request("notice-remove", {"notice_id": 1}, request_id="same")
            return added, retry, other_data, other_action

    added, retry, other_data, other_action = run(scenario())
    assert added.status == "ok" and retry == added
    assert other_data.error.code == other_action.error.code == "id_reused"
    assert [n[0] for n in notices_in_db(hall_cfg)] == ["通知"]


def test_a_sender_the_hall_does_not_know_is_forbidden(hall_cfg, run, caplog):
    caplog.set_level(logging.WARNING)

    async def scenario():
        async with harness(HallDaemon, hall_cfg, user="kiosk-9") as h:
            return await h.request("ping", {})

    reply = run(scenario())
    assert reply.error.code == "forbidden" and "kiosk-9" in reply.error.message
    assert [r for r in caplog.records if "refused ping" in r.getMessage()]


def test_a_refusal_changes_nothing_and_is_repeated(hall_cfg, run):
    async def scenario():
        async with harness(HallDaemon, hall_cfg) as h:
            first = await h.request("notice-remove", {"notice_id": 42}, request_id="rm")
            await h.request("notice-add", {"text_zh": "新通知"})  # now a notice 1 exists...
            again = await h.request("notice-remove", {"notice_id": 42}, request_id="rm")
            return first, again

    first, again = run(scenario())
    assert first.error.code == "not_found" and again == first


def test_an_expired_request_is_not_acted_on(hall_cfg, run):
    async def scenario():
        async with harness(HallDaemon, hall_cfg) as h:
            return await h.request("notice-add", {"text_zh": "过期"}, ttl=-1)

    reply = run(scenario())
    assert reply.error.code == "expired"
    assert notices_in_db(hall_cfg) == []


def test_many_concurrent_requests_are_each_answered_once(hall_cfg, run):
    async def scenario():
        async with harness(HallDaemon, hall_cfg) as h:
            replies = await asyncio.gather(*[
                h.request("notice-add", {"text_zh": f"通知{i}"}, request_id=f"c{i}") for i in range(20)])
            one_more = await h.request("notice-add", {"text_zh": "再一条"})
            return replies, one_more

    replies, one_more = run(scenario())
    assert all(r.status == "ok" for r in replies)
    assert sorted(r.data["notice_id"] for r in replies) == list(range(1, 21))
    assert one_more.error.code == "too_many"  # what a board can show, and the state stays small
    assert len(notices_in_db(hall_cfg)) == 20


def test_state_is_retained_and_follows_notices(hall_cfg, run):
    async def scenario():
        async with harness(HallDaemon, hall_cfg) as h:
            await h.request("notice-add", {"text_zh": "窗口3暂停", "text_en": "Window 3 paused"})
            states = asyncio.Queue()
            h.client.subscribe(h.daemon.topics.state, lambda t, p: states.put_nowait(json.loads(p)))
            state = await asyncio.wait_for(states.get(), 3)  # the retained copy
            return state

    state = run(scenario())
    assert state["hall"] == "t1" and [s["code"] for s in state["services"]] == ["BDC", "SB"]
    assert state["windows"][1] == {"number": 2, "label_zh": "2号窗口", "label_en": "Window 2",
                                   "services": ["SB", "BDC"], "consoles": []}
    assert [n["text_zh"] for n in state["notices"]] == ["窗口3暂停"]


def test_status_is_online_then_offline_on_stop(hall_cfg, run):
    async def scenario():
        async with harness(HallDaemon, hall_cfg) as h:
            topic = h.daemon.topics.status
        from hallkit.bus.client import BusClient
        from hallkit.bus.settings import bus_settings
        reader = BusClient(bus_settings(hall_cfg, None), "reader", hall="t1")
        got = asyncio.Queue()
        reader.subscribe(topic, lambda t, p: got.put_nowait(json.loads(p)))
        await reader.connect()
        status = await asyncio.wait_for(got.get(), 3)
        await reader.close()
        return status

    assert run(scenario())["state"] == "offline"


def test_old_replies_are_forgotten_after_a_day(hall_cfg, run):
    from datetime import datetime

    from hallkit.clock import ManualClock

    clock = ManualClock(datetime(2026, 11, 23, 9, 0))

    async def scenario():
        async with harness(HallDaemon, hall_cfg, clock=clock) as h:
            first = await h.request("ping", {}, request_id="p")
            clock.advance(24 * 3600 + 1)
            assert h.daemon.commands.purge() == 1
            return first, await h.request("ping", {}, request_id="p")

    first, later = run(scenario())
    assert isinstance(later, Reply) and later.data["ts"] > first.data["ts"]


def test_hall_opens_and_closes_with_the_clock(hall_cfg, run):
    """The hall daemon follows opening hours in the clock it is given (no waiting)."""
    from datetime import datetime

    from hallkit.clock import ManualClock

    clock = ManualClock(datetime(2026, 11, 23, 8, 0), hall_cfg.hall.timezone)  # Monday, closed

    async def scenario():
        async with harness(HallDaemon, hall_cfg, clock=clock) as h:
            states = asyncio.Queue()
            h.client.subscribe(h.daemon.topics.state,
                               lambda t, p: states.put_nowait(json.loads(p)["open_now"]))
            seen = [await asyncio.wait_for(states.get(), 3)]
            clock.advance(31 * 60)  # 08:31: the hall opened at 08:30
            seen.append(await asyncio.wait_for(states.get(), 3))
            clock.advance(3.5 * 3600)  # 12:01: lunch break
            seen.append(await asyncio.wait_for(states.get(), 3))
            return seen

    assert run(scenario()) == [False, True, False]
