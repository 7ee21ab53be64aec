"""The queue daemon on a real broker: commands, events, retained state, idempotency."""

from __future__ import annotations

import asyncio
import json

from queue_kit import MONDAY_9

from hallkit.clock import ManualClock
from hallkit.daemons.queue.daemon import QueueDaemon

from conftest import harness


def queue_daemon(cfg):
    """The queue daemon on a Monday morning, whatever the wall clock says."""
    return harness(QueueDaemon, cfg, clock=ManualClock(MONDAY_9, cfg.hall.timezone))


def test_issue_and_call_over_the_bus_with_events_and_state(hall_cfg, run):
    async def scenario():
        async with queue_daemon(hall_cfg) as h:
            events, windows, queue = asyncio.Queue(), {}, {}
            h.client.subscribe("hall/t1/queue/main/event/+",
                               lambda t, p: events.put_nowait((t.rsplit("/", 1)[1], json.loads(p))))
            h.client.subscribe("hall/t1/window/+/state",
                               lambda t, p: windows.__setitem__(t.split("/")[3], json.loads(p)))
            h.client.subscribe("hall/t1/queue/main/state", lambda t, p: queue.update(json.loads(p)))
            assert (await h.request("login", {"window": 1, "clerk": "1001"})).status == "ok"
            first = await h.request("issue", {"service": "BDC", "kiosk": "kiosk-1"})
            second = await h.request("issue", {"service": "BDC"})
            called = await h.request("call-next", {"window": 1})
            seen = [await asyncio.wait_for(events.get(), 3) for _ in range(3)]
            for _ in range(300):  # the state follows the replies at the next quiet moment
                if windows.get("1", {}).get("state") == "serving" and \
                        any(s.get("issued") == 2 for s in queue.get("services", [])):
                    break
                await asyncio.sleep(0.01)
            return first, second, called, seen, windows, queue

    first, second, called, seen, windows, queue = run(scenario())
    assert (first.data["number"], second.data["number"]) == ("A001", "A002")
    assert second.data["ahead"] == 1
    assert called.data == {"ticket_id": first.data["ticket_id"], "number": "A001", "service": "BDC",
                           "window": 1, "recall": 0}
    assert [name for name, _ in seen] == ["issued", "issued", "called"]
    assert seen[0][1]["data"]["kiosk"] == "kiosk-1"
    assert seen[2][1]["data"] | {} == {"ticket_id": first.data["ticket_id"], "number": "A001",
                                       "service": "BDC", "window": 1, "window_label_zh": "1号窗口",
                                       "window_label_en": "Window 1", "recall": 0}
    assert windows["1"]["state"] == "serving" and windows["1"]["ticket"]["number"] == "A001"
    assert windows["2"]["state"] == "closed" and queue["waiting_by_window"]["2"] == 1
    bdc = next(s for s in queue["services"] if s["code"] == "BDC")
    assert (bdc["waiting"], bdc["issued"], bdc["quota_left"]) == (1, 2, 98)


def test_repeated_issue_request_makes_one_ticket(hall_cfg, run):
    async def scenario():
        async with queue_daemon(hall_cfg) as h:
            a = await h.request("issue", {"service": "SB"}, request_id="kiosk-1-0007")
            b = await h.request("issue", {"service": "SB"}, request_id="kiosk-1-0007")
            c = await h.request("issue", {"service": "SB"})
            return a, b, c

    a, b, c = run(scenario())
    assert a == b and a.data["number"] == "B001" and c.data["number"] == "B002"


def test_bad_commands_get_clear_errors_and_change_nothing(hall_cfg, run):
    async def scenario():
        async with queue_daemon(hall_cfg) as h:
            replies = [
                await h.request("issue", {"service": "BCD"}),
                await h.request("issue", {"service": "BDC", "id_number": "110105194912310021"}),
                await h.request("call-next", {"window": 1}),
                await h.request("call-next", {"window": 77}),
                await h.request("transfer", {"window": 1, "to_service": "SB", "to_window": 2}),
                await h.request("no-show", {"window": "one"}),
            ]
            status = await h.request("ticket", {"number": "A001"})
            return replies, status

    replies, status = run(scenario())
    codes = [(r.error.code, r.error.field) for r in replies]
    assert codes == [("unknown_service", "data.service"), ("bad_request", "data.id_number"),
                     ("not_logged_in", "data.window"), ("unknown_window", "data.window"),
                     ("bad_request", "data"), ("bad_request", "data.window")]
    assert "did you mean BDC" in replies[0].error.message
    assert "check digit" in replies[1].error.message
    assert status.error.code == "not_found"  # nothing was issued by any of them
