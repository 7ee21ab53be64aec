"""The kiosk-devices daemon over the real mosquitto with the hall's ACL: an ID card placed
on kiosk-1's reader (the simulator on a pty) reaches kiosk-1 alone, never kiosk-2 or ops;
scans too; each device's availability follows it."""

from __future__ import annotations

import asyncio
import contextlib
import json

import pytest

from hallkit.broker.mosquitto import free_port
from hallkit.bus.client import BusClient
from hallkit.bus.settings import bus_settings, daemon_user
from hallkit.clock import SystemClock
from hallkit.config.load import load_config
from hallkit.daemons.kiosk_devices.daemon import KioskDevicesDaemon
from hallkit.drivers.idcard_sam.sim import CARDS, IdReaderSim
from hallkit.drivers.scanner_serial.sim import ScannerSim
from hallkit.drivers.sim.lines import sim_runfile

from conftest import as_user, enforcing_broker, kiosk_1_devices, small_hall

EXTRA = kiosk_1_devices() + '''
[devices.kiosk-2]
kind = "kiosk"
id_reader = "idr-2"

[devices.idr-2]
kind = "id_reader"
family = "idcard-sam"
link = "sim://idr-2"
'''


@pytest.fixture
def secured(tmp_path, write_config):
    cfg = load_config(write_config(small_hall(tmp_path / "var", port=free_port(), auth=True,
                                              extra=EXTRA)))
    with enforcing_broker(cfg) as broker:
        yield cfg, broker


class Inbox:
    def __init__(self, client: BusClient, pattern: str) -> None:
        self.got: list[tuple[str, dict]] = []
        client.subscribe(pattern, lambda t, p: self.got.append((t, json.loads(p))))

    async def wait(self, n: int = 1, timeout: float = 5.0) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(self.got) < n:
            assert loop.time() < deadline, f"only {self.got}"
            await asyncio.sleep(0.02)


@contextlib.asynccontextmanager
async def devices_running(cfg):
    sims = {"idr-1": IdReaderSim(), "idr-2": IdReaderSim(), "scan-1": ScannerSim()}
    for name, sim in sims.items():
        if isinstance(sim, IdReaderSim):
            await sim.start()
        runfile = sim_runfile(cfg, name)
        runfile.parent.mkdir(parents=True, exist_ok=True)
        runfile.write_text(json.dumps({"path": sim.path}))
    daemon = KioskDevicesDaemon(cfg, clock=SystemClock(cfg.hall.timezone),
                                bus_settings=bus_settings(cfg, daemon_user("kiosk_devices")))
    task = asyncio.create_task(daemon.run())
    try:
        yield sims
    finally:
        daemon.request_stop()
        await asyncio.wait_for(task, 5)
        for sim in sims.values():
            sim.close()


def test_a_card_and_a_scan_reach_their_kiosk_alone(secured, run):
    cfg, broker = secured

    async def scenario():
        kiosk1, kiosk2, ops = (as_user(cfg, broker, u) for u in ("kiosk-1", "kiosk-2", "hallctl"))
        mine = Inbox(kiosk1, "hall/t1/kiosk_devices/main/event/+/kiosk-1")
        snoops = [Inbox(kiosk2, "hall/t1/kiosk_devices/#"), Inbox(kiosk2, "hall/t1/+/+/event/+/kiosk-1"),
                  Inbox(ops, "hall/t1/kiosk_devices/#"), Inbox(ops, "#")]
        up = Inbox(kiosk2, "hall/t1/+/+/availability")
        for c in (kiosk1, kiosk2, ops):
            await c.connect()
        async with devices_running(cfg) as sims:
            await up.wait(3)  # both readers and the scanner
            assert {t.split("/")[3]: p["state"] for t, p in up.got} == \
                {"idr-1": "online", "idr-2": "online", "scan-1": "online"}
            sims["idr-1"].model.place(CARDS["li"])
            await mine.wait(1)
            sims["scan-1"].scan("YY0123")
            sims["idr-1"].model.lift()
            sims["idr-1"].model.place(CARDS["expired"])
            await mine.wait(3)
            await asyncio.sleep(0.3)
        for c in (kiosk1, kiosk2, ops):
            await c.close()
        return mine.got, snoops

    got, snoops = run(scenario(), timeout=30)
    card = got[0][1]["data"]
    assert got[0][0].endswith("/event/card/kiosk-1")
    assert card["id_number"] == "430102194805120023" and card["id_masked"] == "430***********0023"
    assert card["name_masked"] == "李*英" and set(card) == {"device", "id_number", "id_masked",
                                                          "name_masked"}  # nothing more leaves
    assert got[1][1]["data"] == {"device": "scan-1", "code": "YY0123"}
    refused = got[2][1]["data"]
    assert refused["reason"] == "expired" and "过有效期" in refused["zh"]
    for snoop in snoops:  # another kiosk and ops saw no card, no scan, no number
        assert not [t for t, p in snoop.got if "/event/" in t], snoop.got
        assert "430102194805120023" not in json.dumps(snoop.got)


def test_a_silent_reader_is_offline_in_its_availability(secured, run, monkeypatch):
    from hallkit.drivers.idcard_sam import reader
    monkeypatch.setattr(reader, "REPLY_TIMEOUT_S", 0.2)
    cfg, broker = secured

    async def scenario():
        watcher = as_user(cfg, broker, "hallctl")
        seen = Inbox(watcher, "hall/t1/id_reader/idr-2/availability")
        await watcher.connect()
        async with devices_running(cfg) as sims:
            await seen.wait(1)
            sims["idr-2"].model.set_fault("silent")
            await seen.wait(2)
        await watcher.close()
        return [p for _, p in seen.got]

    states = run(scenario(), timeout=30)
    assert [s["state"] for s in states[:2]] == ["online", "offline"]
    assert states[1]["reason"] == "no answer to 3 requests"


def test_no_other_client_can_address_a_card_to_a_kiosk(secured, run):
    """kiosk-2 may write its own topics, but what it writes there is no event to kiosk-1: the
    ACL lets kiosk-1 read addressed events only under the kiosk-devices daemon's topics."""
    cfg, broker = secured

    async def scenario():
        kiosk1, kiosk2 = as_user(cfg, broker, "kiosk-1"), as_user(cfg, broker, "kiosk-2")
        got = Inbox(kiosk1, "hall/t1/+/+/event/+/kiosk-1")
        for c in (kiosk1, kiosk2):
            await c.connect()
        fake = {"v": 1, "ts": 0, "data": {"device": "idr-1", "id_number": "11010519491231002X",
                                           "id_masked": "x", "name_masked": "x"}}
        for topic in ("hall/t1/kiosk/kiosk-2/event/card/kiosk-1",
                      "hall/t1/kiosk_devices/main/event/card/kiosk-1"):
            kiosk2.publish(topic, fake)
        await asyncio.sleep(0.5)
        for c in (kiosk1, kiosk2):
            await c.close()
        return got.got

    assert run(scenario(), timeout=20) == []
