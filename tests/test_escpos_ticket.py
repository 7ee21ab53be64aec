"""A full Chinese queue ticket: golden ESC/POS bytes (python-escpos Dummy underneath),
the protocol points they must honour, each chinese_mode, and the simulator's decode of
them back into text, a picture and a QR code a reader decodes."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from hallkit.config.load import load_config
from hallkit.daemons.printer.ticket import ticket_blocks, wait_text
from hallkit.daemons.queue.contract import IssuedEvent
from hallkit.drivers.escpos.encode import Encoder
from hallkit.drivers.escpos.layout import DOTS_58MM, DOTS_80MM, Text
from hallkit.drivers.escpos.paper import PaperModel
from hallkit.drivers.escpos.picture import draw

from conftest import small_hall

GOLDEN = Path(__file__).parent / "golden" / "ticket-fs.hex"
TICKET = IssuedEvent(
    ticket_id="9f3c2a7d41b0e865", secret="3f9a0c51b2d7", number="A017", service="BDC",
    service_name_zh="不动产登记",
    service_name_en="Real Estate", day="2026-11-23", taken_at=1795395960.0, ahead=12,
    est_wait_s=14.6 * 60, priority_class="elderly", id_masked="110***********002X",
    phone_masked="138****5678", kiosk="kiosk-1")


@pytest.fixture
def cfg(tmp_path, write_config):
    return load_config(write_config(small_hall(tmp_path / "var")))


def blocks(cfg, dots=DOTS_80MM):
    return ticket_blocks(cfg, TICKET, dots)


def decode(data: bytes, chunk: int | None = None):
    tickets = []
    model = PaperModel(tickets.append)
    step = chunk or len(data)
    for i in range(0, len(data), step):
        model.feed(data[i:i + step])
    assert len(tickets) == 1 and model.unknown == 0
    return tickets[0]


def test_golden_bytes_of_a_full_chinese_ticket(cfg):
    data = Encoder("fs").encode(blocks(cfg))
    if os.environ.get("HALLKIT_UPDATE_GOLDEN"):
        hexed = data.hex()
        GOLDEN.write_text("".join(hexed[i:i + 64] + "\n" for i in range(0, len(hexed), 64)))
    golden = bytes.fromhex(GOLDEN.read_text().replace("\n", ""))
    assert data == golden, "after a deliberate layout change: HALLKIT_UPDATE_GOLDEN=1 pytest …"


def test_the_protocol_points_hold_in_the_bytes(cfg):
    data = Encoder("fs").encode(blocks(cfg))
    assert data.startswith(b"\x1b\x40")  # initialise
    assert data.endswith(b"\x1d\x56\x42\x00")  # feed to the cutter, then cut
    hall = "测试大厅".encode("gb18030")
    assert b"\x1d\x21\x11\x1c\x26" + hall + b"\x1c\x2e\x0a\x1d\x21\x00" in data  # 2x2, FS &, GS ! 0
    assert b"\x1d\x21\x33A017\x0a\x1d\x21\x00" in data  # the number at 4x4
    assert b"\x1d\x28\x6b\x03\x00\x31\x45\x31" in data  # QR error level M, not python-escpos's L
    qr = b"hallkit:ticket:t1:9f3c2a7d41b0e865:3f9a0c51b2d7"
    assert b"\x1d\x28\x6b" + bytes([len(qr) + 3, 0]) + b"\x31\x50\x30" + qr in data
    chinese = [part.split(b"\x1c\x2e")[0] for part in data.split(b"\x1c\x26")[1:]]
    assert len(chinese) > 10 and not any(b"?" in part for part in chinese)
    assert "，".encode("gb18030") in data  # full-width punctuation as GB18030, not "?"
    assert b"\x1b\x21" not in data  # sizes reset by GS ! 0: ESC ! leaves Chinese enlarged


def test_modes_none_and_raster(cfg):
    none = Encoder("none").encode(blocks(cfg))
    assert b"\x1c\x26" not in none and "不动产登记".encode("gb18030") in none
    raster = Encoder("raster").encode(blocks(cfg))
    assert b"\x1d\x76\x30" in raster  # GS v 0
    assert "不动产登记".encode("gb18030") not in raster and b"A017" in raster
    image_qr = Encoder("fs", qr_native=False).encode(blocks(cfg))
    assert b"\x1d\x28\x6b" not in image_qr and b"\x1d\x76\x30" in image_qr


@pytest.mark.parametrize("chunk", [None, 1, 7, 333])
def test_the_simulator_reads_the_ticket_back_in_any_chunking(cfg, chunk):
    ticket = decode(Encoder("fs").encode(blocks(cfg)), chunk)
    text = ticket.text
    for expected in ("测试大厅", "不动产登记", "A017", "【老年人优先】", "您前面还有 12 人等候",
                     "预计等候约 15 分钟", "110***********002X", "138****5678",
                     "过号可顺延 3 位，限 1 次"):
        assert expected in text
    number = next(r for r in ticket.rows if r.text == "A017")
    assert (number.align, number.runs[0].width, number.runs[0].height) == ("center", 4, 4)
    assert ticket.qr_codes == 1 and ticket.cut == "partial"


def test_esc_bang_leaves_chinese_enlarged_as_real_printers_do():
    data = b"\x1b\x40\x1d\x21\x11\x1b\x21\x00\x1c\x26" + "大".encode("gb18030") + b"\x1c\x2eA\n\x1d\x56\x00"
    row = decode(data).rows[0]
    assert [(r.text, r.width) for r in row.runs] == [("大", 2), ("A", 1)]


def test_unknown_commands_are_skipped_and_counted():
    tickets = []
    model = PaperModel(tickets.append)
    model.feed(b"\x1b\x40\x1b\x7e\x1d\x7aOK\n\x1d\x56\x00")
    assert tickets[0].text == "OK" and model.unknown == 2


@pytest.mark.skipif(not shutil.which("zbarimg"), reason="zbar-tools is installed by scripts/bootstrap")
@pytest.mark.parametrize(("mode", "qr_native", "dots"), [
    ("fs", True, DOTS_80MM), ("raster", False, DOTS_80MM), ("fs", True, DOTS_58MM)])
def test_the_picture_is_printer_wide_and_its_qr_decodes(cfg, tmp_path, mode, qr_native, dots):
    data = Encoder(mode, qr_native, dots).encode(blocks(cfg, dots))
    picture = draw(decode(data), dots)
    assert picture.width == dots and picture.mode == "1"
    assert 600 < picture.height < 1400
    path = tmp_path / "ticket.png"
    picture.save(path)
    out = subprocess.run(["zbarimg", "-q", "--raw", str(path)], capture_output=True, text=True)
    assert out.stdout.strip() == "hallkit:ticket:t1:9f3c2a7d41b0e865:3f9a0c51b2d7"


def test_a_wide_row_wraps_like_the_printer():
    picture_narrow = draw(decode(Encoder().encode([Text("宽" * 30)])))
    picture_one = draw(decode(Encoder().encode([Text("宽" * 24)])))
    assert picture_narrow.height > picture_one.height  # 30 ideographs need two 576-dot lines


@pytest.mark.parametrize(("ahead", "seconds", "zh"), [
    (3, None, "暂无窗口开放，请留意叫号"), (0, 200, "即将叫号，请留意叫号屏"),
    (2, 30, "即将叫号，请留意叫号屏"),
    (2, 4.4 * 60, "预计等候约 4 分钟"), (9, 23 * 60, "预计等候约 25 分钟"),
    (40, 95 * 60, "预计等候约 1 小时 35 分钟"), (60, 120 * 60, "预计等候约 2 小时"),
])
def test_the_wait_reads_as_an_estimate(ahead, seconds, zh):
    assert wait_text(ahead, seconds)[0] == zh


def test_random_bytes_never_derail_the_simulator():
    rng = random.Random(7)
    for _ in range(200):
        model = PaperModel(lambda t: None, lambda n: None)
        model.feed(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400))))
        model.end()


def test_on_58_mm_paper_the_labelled_rows_do_not_wrap(cfg):
    """With English labels the masked ID wrapped to a second line on 32 columns."""
    text = decode(Encoder("fs", True, DOTS_58MM).encode(
        ticket_blocks(cfg, TICKET, DOTS_58MM, reprinted_at=TICKET.taken_at + 1800))).text
    lines = text.splitlines()
    assert "身份证    110***********002X" in lines and "补打时间  2026-11-23 09:36" in lines
