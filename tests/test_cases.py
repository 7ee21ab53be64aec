"""Case lookup (办件查询): the approval system's export read or refused line by line, the
cases daemon over a real broker answering kiosks by case number or by ID number with the
phone's last digits, keeping no ID or phone number, and locking a kiosk that guesses."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from queue_kit import MONDAY_9

from hallkit.bus.client import BusClient
from hallkit.bus.settings import bus_settings
from hallkit.clock import ManualClock
from hallkit.config.load import load_config
from hallkit.daemons.cases import source as case_source
from hallkit.daemons.cases.csvfile import ExportError, parse_export, read_export
from hallkit.daemons.cases.daemon import CasesDaemon
from hallkit.daemons.cases.send import ImportRefused, send_rows

from conftest import hallctl_argv, harness, kiosk_1_devices, small_hall

DEMO = Path(__file__).resolve().parent.parent / "config" / "demo-cases.csv"
HEADER = "办件编号,事项名称,申请人,证件号码,联系电话,办理状态,当前环节,下一步,需携带材料,领取方式,更新时间\n"
LI = "430102194805120023"  # the simulator's 李秀英 card; her phone ends 5678 in the demo export


def config(tmp_path, broker, extra: str = ""):
    path = tmp_path / "hall.toml"
    path.write_text(small_hall(tmp_path / "var", port=broker.port, extra=kiosk_1_devices() + extra))
    return load_config(path)


def test_the_demo_export_reads_with_its_extra_columns_left_out():
    rows, left_out = read_export(DEMO)
    assert len(rows) == 12 and left_out == ["受理窗口", "经办人"]
    first = rows[0]
    assert (first.status, first.phone_last4, first.pickup, first.to_bring) == (
        "needs_more", "1234", "locker", ["契税完税凭证原件", "婚姻状况证明（民政部门出具）"])


def test_every_problem_is_said_with_its_line_and_column_and_nothing_is_read():
    text = HEADER + (
        "QH0001,不动产转移登记,张三,110101199001010031,13812341234,已受理,,,,,\n"        # line 2: fine
        "QH0002,不动产转移登记,张三,110101199001010031,13812341234,在路上,,,,,\n"         # unknown status
        "QH0003,不动产转移登记,张三,110101199001010032,13812341234,已受理,,,,,\n"         # check digit
        "QH0004,不动产转移登记,张三,110101199001010031,138,已受理,,,,,2026-13-45 99\n"   # phone, time
        "QH0001,不动产转移登记,张三,110101199001010031,13812341234,已受理,,,,,\n"         # twice
        "QH0006,不动产转移登记,张三,110101199001010031,13812341234,已受理,,,,柜子,\n"    # pickup
        "第7号,不动产转移登记,张三,110101199001010031,13812341234,已受理,,,,,\n")       # number
    with pytest.raises(ExportError) as caught:
        parse_export(text)
    said = [str(p) for p in caught.value.problems]
    assert said == [
        "line 3, 办理状态: unknown status '在路上' (known: 已受理, 办理中, 待补正, 待领取, 已办结, 已领取, "
        "不予受理, 已撤回, …)",
        "line 4, 证件号码: Value error, the check digit does not match: a typo?",
        "line 5, 联系电话: not a phone number",
        "line 5, 更新时间: '2026-13-45 99' is not a time (2026-11-28 16:20)",
        "line 6, 办件编号: QH0001 also on line 2",
        "line 7, 领取方式: unknown way '柜子' (窗口, 自助柜 or 邮寄)",
        "line 8, 办件编号: '第7号' is not a case number (4 to 40 letters, digits and -)"]
    with pytest.raises(ExportError, match="missing column 证件号码"):
        parse_export("办件编号,事项名称,申请人,联系电话,办理状态\n")


def test_an_excel_export_in_gb18030_reads_like_utf8(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(DEMO.read_text(encoding="utf-8").encode("gb18030"))
    assert read_export(path)[0] == read_export(DEMO)[0]


def test_a_case_is_found_by_number_or_by_person_with_no_id_phone_or_name_kept(tmp_path, broker):
    cfg = config(tmp_path, broker)
    rows, _ = read_export(DEMO)

    async def scenario():
        async with harness(CasesDaemon, cfg) as ops:
            totals = await send_rows(ops.client, cfg.hall.id, rows, chunk=5)  # three requests
            assert dict(totals) == {"added": 12, "updated": 0, "unchanged": 0}
            again = await send_rows(ops.client, cfg.hall.id, rows)
            assert dict(again) == {"added": 0, "updated": 0, "unchanged": 12}
        async with harness(CasesDaemon, cfg, user="kiosk-1") as kiosk:
            by_number = await kiosk.request("case-lookup", {"case_no": "qh20261127000318"})
            assert by_number.data["outcome"] == "found"
            case = by_number.data["cases"][0]
            assert (case["applicant_masked"], case["status"], case["pickup"]) == (
                "张*", "needs_more", "locker")
            mine = await kiosk.request("case-lookup", {"id_number": LI, "phone_last4": "5678"})
            assert [c["case_no"] for c in mine.data["cases"]] == ["QH20261120000207", "QH20261125000126"]
            assert {c["applicant_masked"] for c in mine.data["cases"]} == {"李*英"}
            wrong_phone = await kiosk.request("case-lookup", {"id_number": LI, "phone_last4": "5679"})
            assert wrong_phone.data["outcome"] == "not_found"
            both = await kiosk.request("case-lookup", {"case_no": "QH20261127000318", "id_number": LI,
                                                       "phone_last4": "5678"})
            assert both.error.code == "bad_request"
            imported = await kiosk.request("cases-import", {"rows": [rows[0].model_dump(mode="json")]})
            assert imported.error.code == "forbidden"

    asyncio.run(scenario())
    stored = (cfg.storage_path / "cases.sqlite").read_bytes() + b"".join(
        p.read_bytes() for p in cfg.storage_path.glob("cases.sqlite-*"))
    for secret in (LI, "13907315678", "李秀英", "110101199001010031"):
        assert secret.encode() not in stored, secret


def test_an_older_export_does_not_undo_a_newer_one_and_a_bad_row_changes_nothing(tmp_path, broker):
    cfg = config(tmp_path, broker)
    newer = parse_export(HEADER + "QH0001,不动产转移登记,张三,110101199001010031,13812341234,待领取,,,,,"
                         "2026-11-28 10:00\n")[0]
    older = parse_export(HEADER + "QH0001,不动产转移登记,张三,110101199001010031,13812341234,已受理,,,,,"
                         "2026-11-20 09:00\n")[0]

    async def scenario():
        async with harness(CasesDaemon, cfg) as ops:
            await send_rows(ops.client, cfg.hall.id, newer)
            assert dict(await send_rows(ops.client, cfg.hall.id, older))["unchanged"] == 1
            found = await ops.request("case-lookup", {"case_no": "QH0001"})
            assert found.data["cases"][0]["status"] == "ready"
            bad = [newer[0].model_dump(mode="json") | {"case_no": "QH0002"},
                   newer[0].model_dump(mode="json") | {"case_no": "QH0003",
                                                       "id_number": "110101199001010032"}]
            refused = await ops.request("cases-import", {"rows": bad})
            assert refused.error.code == "bad_request" and refused.error.field == "data.rows.1.id_number"
            assert (await ops.request("case-lookup", {"case_no": "QH0002"})).data["outcome"] == "not_found"

    asyncio.run(scenario())


def test_a_kiosk_that_looks_up_in_vain_is_locked_across_a_restart_until_the_lock_ends(tmp_path, broker):
    cfg = config(tmp_path, broker, "\n[cases]\nfailed_lookups = 3\nlock_min = 10\n")
    clock = ManualClock(MONDAY_9, cfg.hall.timezone)
    rows, _ = read_export(DEMO)

    async def scenario():
        async with harness(CasesDaemon, cfg, clock=clock) as ops:
            await send_rows(ops.client, cfg.hall.id, rows)
        async with harness(CasesDaemon, cfg, clock=clock, user="kiosk-1") as kiosk:
            answers = [(await kiosk.request("case-lookup", {"id_number": LI, "phone_last4": f"000{n}"})).data
                       for n in range(3)]
            assert [(a["outcome"], a["tries_left"]) for a in answers] == [
                ("not_found", 2), ("not_found", 1), ("locked", 0)]
            assert answers[2]["locked_s"] == 600
            right = await kiosk.request("case-lookup", {"id_number": LI, "phone_last4": "5678"})
            assert right.data["outcome"] == "locked"  # the right digits do not open a lock
        async with harness(CasesDaemon, cfg, clock=clock, user="kiosk-1") as kiosk:
            clock.advance(9 * 60)
            assert (await kiosk.request("case-lookup", {"case_no": "QH20261127000318"})).data["outcome"] \
                == "locked"
            clock.advance(61)
            assert (await kiosk.request("case-lookup", {"case_no": "QH20261127000318"})).data["outcome"] \
                == "found"
            for n in range(3):  # guessing on: the next lock is twice as long
                again = (await kiosk.request("case-lookup", {"case_no": f"QH000{n}"})).data
            assert (again["outcome"], again["locked_s"]) == ("locked", 1200)
        async with harness(CasesDaemon, cfg, clock=clock) as ops:  # staff are not limited
            for _ in range(5):
                found = await ops.request("case-lookup", {"case_no": "QH0000"})
                assert found.data["outcome"] == "not_found"

    asyncio.run(scenario())


class ProvinceAPI:
    """A plug-in case source standing for a province's approval API that is down."""

    def __init__(self, store, options):
        self.options = options

    def by_number(self, case_no):
        raise case_source.SourceError(f"{self.options['url']} did not answer within 3 s")

    def by_person(self, id_number, phone_last4):
        return []

    def count(self):
        return None


class EntryPoint:
    name = "province"

    def load(self):
        return ProvinceAPI


def test_a_plugged_in_source_answers_lookups_and_takes_no_imports(tmp_path, broker, monkeypatch):
    monkeypatch.setattr(case_source, "entry_points", lambda group: [EntryPoint()])
    cfg = config(tmp_path, broker, '\n[cases]\nsource = "province"\nsource_options = { url = "https://x" }\n')
    rows, _ = read_export(DEMO)

    async def scenario():
        async with harness(CasesDaemon, cfg) as ops:
            down = await ops.request("case-lookup", {"case_no": "QH20261127000318"})
            assert (down.error.code, down.error.message) == (
                "unavailable", "the case source did not answer: https://x did not answer within 3 s")
            with pytest.raises(ImportRefused, match="not_local"):
                await send_rows(ops.client, cfg.hall.id, rows)

    asyncio.run(scenario())
    with pytest.raises(ValueError, match=r"case source 'nowhere' is not installed \(installed: local, "
                       r"province\)"):
        case_source.check_name("nowhere")


def test_hallctl_cases_import_names_the_bad_line_and_imports_nothing(tmp_path):
    import subprocess
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "QH0002,不动产转移登记,张三,110101199001010031,13812341234,在路上,,,,,\n")
    done = subprocess.run(hallctl_argv("cases", "import", str(bad), "--check"), capture_output=True,
                          text=True, timeout=30)
    assert done.returncode == 78
    assert f"{bad}: line 2, 办理状态: unknown status '在路上'" in done.stderr
    ok = subprocess.run(hallctl_argv("cases", "import", str(DEMO), "--check"), capture_output=True,
                        text=True, timeout=30)
    assert ok.returncode == 0 and "12 cases, all readable" in ok.stdout


def test_the_person_hash_key_is_a_file_of_its_own_made_once(tmp_path):
    from hallkit.daemons.cases.local import MIGRATIONS, LocalCases
    from hallkit.keys import key_file
    from hallkit.store import Store
    store = Store(tmp_path / "c.sqlite", ManualClock(MONDAY_9, "Asia/Shanghai"))
    store.migrate("cases", MIGRATIONS)
    path = tmp_path / "credentials" / "cases-person-hash.key"
    a, b = LocalCases(store, key_file(path)), LocalCases(store, key_file(path))
    assert a.person(LI, "5678") == b.person(LI, "5678") != a.person(LI, "5679")
    assert path.stat().st_mode & 0o777 == 0o600
    other = LocalCases(store, key_file(tmp_path / "elsewhere.key"))  # a stolen database alone
    assert other.person(LI, "5678") != a.person(LI, "5678")           # is not enough


def test_a_company_or_passport_applicant_is_found_by_case_number_only(tmp_path, broker):
    cfg = config(tmp_path, broker)
    rows, _ = parse_export(HEADER + "QH0007,有限责任公司设立登记,清河县某某科技有限公司,91130100MA0XYZ1234,"
                           "13812341234,已受理,,,,,\n" "QH0008,居民身份证换领补领,John Smith,E12345678,"
                           "13812341234,办理中,,,,,\n")
    assert [r.id_number for r in rows] == [None, None]

    async def scenario():
        async with harness(CasesDaemon, cfg) as ops:
            await send_rows(ops.client, cfg.hall.id, rows)
            found = await ops.request("case-lookup", {"case_no": "QH0007"})
            assert found.data["cases"][0]["applicant_masked"] == "清*********司"

    asyncio.run(scenario())


def test_a_kiosk_walking_through_case_numbers_is_stopped_and_staff_can_unlock_it(tmp_path, broker):
    cfg = config(tmp_path, broker, "\n[cases]\nlookups_per_hour = 4\n")
    clock = ManualClock(MONDAY_9, cfg.hall.timezone)
    rows, _ = read_export(DEMO)

    async def scenario():
        ops = BusClient(bus_settings(cfg, "hallctl"), "test-ops", hall=cfg.hall.id)
        await ops.connect()
        async with harness(CasesDaemon, cfg, clock=clock, user="kiosk-1") as kiosk:
            await send_rows(ops, cfg.hall.id, rows)
            outcomes = [(await kiosk.request("case-lookup", {"case_no": r.case_no})).data["outcome"]
                        for r in rows[:5]]
            assert outcomes == ["found"] * 4 + ["locked"]  # every one found, and still stopped
            unlock = await ops.request(kiosk.daemon.topics.cmd("case-unlock"), {"kiosk": "kiosk-1"})
            assert unlock.data == {"unlocked": True}
            again = await kiosk.request("case-lookup", {"case_no": rows[0].case_no})
            assert again.data["outcome"] == "found"
            assert (await kiosk.request("case-unlock", {"kiosk": "kiosk-1"})).error.code == "forbidden"
        await ops.close()

    asyncio.run(scenario())
