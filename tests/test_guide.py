"""The service guide (办事指南): the guide file read or refused with its lines, pinyin
initials worked out at import, and the guide daemon over a real broker: imported whole in
parts, searched by Chinese, initials, pinyin and English, read item by item."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from hallkit.config.load import load_config
from hallkit.daemons.guide import send
from hallkit.daemons.guide.daemon import GuideDaemon
from hallkit.daemons.guide.guidefile import GuideFileError, read_guide
from hallkit.daemons.guide.index import initials_of

from conftest import harness, kiosk_1_devices, small_hall

DEMO = Path(__file__).resolve().parent.parent / "config" / "demo-guide.toml"
DEMO_SERVICES = {"BDC", "SB", "YB", "HZ", "SW", "SCZT", "GJJ", "ZX"}
MORE_SERVICES = "".join(f'''
[[services]]
code = "{code}"
prefix = "{prefix}"
name_zh = "{code}"
name_en = "{code}"
''' for code, prefix in (("YB", "C"), ("HZ", "D"), ("SW", "E"), ("SCZT", "F"), ("GJJ", "G"), ("ZX", "H")))


def config(tmp_path, broker):
    path = tmp_path / "hall.toml"
    path.write_text(small_hall(tmp_path / "var", port=broker.port, extra=kiosk_1_devices() + MORE_SERVICES))
    return load_config(path)


def test_the_demo_guide_reads_for_the_demo_halls_services():
    guide = read_guide(DEMO, DEMO_SERVICES)
    assert len(guide.departments) == 8 and len(guide.items) == 19
    assert {i.service for i in guide.items} == DEMO_SERVICES  # an item for each of the eight


def test_every_problem_in_a_guide_file_is_said_with_its_line(tmp_path):
    path = tmp_path / "guide.toml"
    path.write_text('''[[departments]]
code = "bdc"
name_zh = "不动产登记中心"
name_en = "Real Estate"

[[items]]
id = "a-1"
department = "bdc"
name_zh = "不动产转移登记"
name_en = "Transfer"
legal_days = -3

[[items]]
id = "a-1"
department = "gaj"
service = "XX"
name_zh = "户口迁入"
name_en = "Moving in"
''')
    with pytest.raises(GuideFileError) as caught:
        read_guide(path, {"BDC"})
    assert caught.value.problems == [
        f"{path}:11: items[0].legal_days: Input should be greater than or equal to 0"]
    path.write_text(path.read_text().replace("legal_days = -3", "legal_days = 30"))
    with pytest.raises(GuideFileError) as caught:
        read_guide(path, {"BDC"})
    assert caught.value.problems == [
        f"{path}:14: items[1].id: item id 'a-1' twice",
        f"{path}:15: items[1].department: no department 'gaj' (the file has bdc)",
        f"{path}:16: items[1].service: the hall has no queue service 'XX' (it has BDC)"]


def test_initials_follow_the_phrase_and_every_reading_of_a_polyphone():
    assert initials_of("不动产登记")[0] == "bdcdj"
    banks = initials_of("银行开户")
    assert banks[0] == "yhkh" and "yxkh" in banks  # 行: hang here, xing elsewhere
    assert initials_of("住房公积金（租房）")[0] == "zfgjjzf"  # punctuation is left out


def test_the_guide_is_searched_by_chinese_initials_pinyin_and_english(tmp_path, broker):
    cfg = config(tmp_path, broker)
    guide = read_guide(DEMO, DEMO_SERVICES)

    async def scenario():
        async with harness(GuideDaemon, cfg) as ops:
            done = await send.send_guide(ops.client, cfg.hall.id, guide)
            assert done == {"complete": True, "parts_missing": 0, "items": 19}
        async with harness(GuideDaemon, cfg, user="kiosk-1") as kiosk:  # read back after a restart
            async def ids(text, **more):
                reply = await kiosk.request("guide-search", {"text": text, **more})
                return [h["id"] for h in reply.data["hits"]]

            assert await ids("bdc") == ["bdc-transfer", "bdc-mortgage", "bdc-replace"]
            assert await ids("BDC ZY") == ["bdc-transfer"]
            assert await ids("budongchan") == ["bdc-transfer", "bdc-mortgage", "bdc-replace"]
            assert await ids("过户") == ["bdc-transfer", "sw-house-tax"]  # a keyword of both
            assert await ids("身份证") == ["hz-id-renew"]
            assert await ids("gjj") == ["gjj-rent", "gjj-loan"]
            assert await ids("mortgage") == ["bdc-mortgage"]
            assert await ids("qqqq") == []
            assert await ids("", department="ga") == ["hz-id-renew", "hz-move-in", "hz-birth"]
            detail = (await kiosk.request("guide-item", {"id": "bdc-transfer"})).data
            assert detail["department"]["name_zh"] == "不动产登记中心"
            assert [w["number"] for w in detail["windows"]] == [1, 2]  # the windows serving BDC
            assert detail["hours"] == [{"days": ["mon"], "hours": ["08:30-12:00", "13:30-17:30"]},
                                       {"days": ["tue", "wed", "thu", "fri", "sat", "sun"], "hours": []}]
            assert "pinyin" not in detail["item"] and len(detail["item"]["materials"]) == 7
            missing = await kiosk.request("guide-item", {"id": "no-such-item"})
            assert missing.error.code == "not_found"
            refused = await kiosk.request("guide-import", {"import_id": "0" * 16, "part": 1, "parts": 1})
            assert refused.error.code == "forbidden"
            state = kiosk.daemon.retained_state()
            assert (state.items, [(d.code, d.items) for d in state.departments][:2]) == (
                19, [("bdc", 3), ("rs", 3)])

    asyncio.run(scenario())


def test_an_import_in_parts_swaps_in_whole_and_a_bad_one_leaves_the_guide(tmp_path, broker, monkeypatch):
    cfg = config(tmp_path, broker)
    guide = read_guide(DEMO, DEMO_SERVICES)
    monkeypatch.setattr(send, "PART_ITEMS", 4)  # 19 items: five parts

    async def scenario():
        async with harness(GuideDaemon, cfg) as ops:
            three = guide.model_copy(update={"items": guide.items[:3]})
            await send.send_guide(ops.client, cfg.hall.id, three)
            parts = send.parts(guide)
            assert len(parts) == 5
            for n, part in enumerate(parts[:-1], start=1):
                reply = await ops.request("guide-import",
                                          {"import_id": "a" * 16, "part": n, "parts": 5, **part})
                assert reply.data == {"complete": False, "parts_missing": 5 - n, "items": 0}
                found = await ops.request("guide-search", {"text": ""})
                assert found.data["total"] == 3  # the old guide until the last part is in
            last = await ops.request("guide-import",
                                     {"import_id": "a" * 16, "part": 5, "parts": 5, **parts[-1]})
            assert last.data == {"complete": True, "parts_missing": 0, "items": 19}
            assert (await ops.request("guide-search", {"text": ""})).data["total"] == 19
            stray = dict(parts[0], items=[dict(parts[0]["items"][0], department="nowhere")])
            bad = await ops.request("guide-import", {"import_id": "b" * 16, "part": 1, "parts": 1, **stray})
            assert bad.error.code == "bad_guide" and "no department 'nowhere'" in bad.error.message
            assert (await ops.request("guide-search", {"text": ""})).data["total"] == 19

    asyncio.run(scenario())
