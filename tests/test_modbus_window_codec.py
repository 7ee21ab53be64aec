"""Window display registers: golden frames from the protocol file, via pymodbus's framer."""

from hypothesis import given
from hypothesis import strategies as st
from pymodbus.framer import FramerRTU
from pymodbus.pdu import DecodePDU
from pymodbus.pdu.register_message import ReadInputRegistersRequest, WriteMultipleRegistersRequest

from hallkit.display import Screen
from hallkit.drivers.modbus_window.codec import REGISTERS, gb2312_line, registers, screen_of


def rtu(pdu) -> bytes:
    return FramerRTU(DecodePDU(False)).buildFrame(pdu)


def test_golden_update_frame():
    screen = Screen("calling", "请A012号", "3号窗口", blink_s=10, brightness=8)
    frame = rtu(WriteMultipleRegistersRequest(dev_id=3, address=0, registers=registers(screen)))
    golden = bytes.fromhex("03 10 00 00 00 23 46 00 01 00 0A 00 08 C7 EB 41 30 31 32 BA C5") \
        + b"\0" * 24 + bytes.fromhex("33 BA C5 B4 B0 BF DA") + b"\0" * 25 + bytes.fromhex("14 D9")
    assert len(golden) == 79 and frame == golden


def test_golden_health_read():
    assert rtu(ReadInputRegistersRequest(dev_id=1, address=0, count=2)) == \
        bytes.fromhex("01 04 00 00 00 02 71 CB")


def test_text_is_cut_between_characters_and_unknown_ones_are_boxed():
    line = gb2312_line("请" * 15 + "AB号")  # 30 bytes, then 'A','B' (32), then 号 no longer fits
    assert len(line) == 32 and line.endswith(b"AB")
    line = gb2312_line("请" * 15 + "A号")   # 31 bytes: 号 would split, so the rest is padding
    assert line == "请".encode("gb2312") * 15 + b"A\0"
    assert screen_of(registers(Screen("idle", "欢迎喆临"))).line1 == "欢迎□临"


@given(st.sampled_from(["idle", "calling", "serving", "paused", "closed"]),
       st.text(alphabet="请号窗口办理暂停服务欢迎光临0123456789ABCDEFGH", max_size=16),
       st.text(alphabet="请号窗口办理0123456789", max_size=16), st.integers(0, 255), st.integers(0, 15))
def test_registers_round_trip(mode, line1, line2, blink, brightness):
    screen = Screen(mode, line1, line2, blink, brightness)
    values = registers(screen)
    assert len(values) == REGISTERS and all(0 <= v <= 0xFFFF for v in values)
    assert screen_of(values) == screen
