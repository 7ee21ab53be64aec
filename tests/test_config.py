"""Hall config: the demo configs pass; each broken config gets its own clear message,
at the right line, and every problem in a file is reported at once."""

from __future__ import annotations

import subprocess

import pytest

from hallkit.config.load import check_file, check_text, load_config

from conftest import DEMO, ROOT, hallctl_argv, small_hall

LOCKER = '''
[devices.lb-1]
kind = "locker_board"
family = "toy-board"
link = "sim://locker-line"
address = 1
locks = 12

[[lockers]]
id = "l1"
name_zh = "文件柜"
name_en = "Locker"
[[lockers.compartments]]
first = 1
count = 4
board = "lb-1"
first_lock = %s
size = "S"
'''

KEYPADS = '''
[devices.kp-1]
kind = "keypad"
family = "ff68"
link = "serial:/dev/serial/by-id/usb-FTDI_A1-if00-port0"
address = 1

[devices.kp-2]
kind = "keypad"
family = "ff68"
link = "serial:/dev/serial/by-id/usb-FTDI_A1-if00-port0%s"
address = %s
'''


PRINTER = '''
[devices.p-1]
kind = "printer"
family = "escpos"
link = "tcp:192.168.10.21:9100"
options = %s
'''


def base(tmp_path):
    return small_hall(tmp_path)


# (name, how to break the small hall, expected message). The broken line carries "# <-".
CASES = [
    ("typo in a key",
     lambda t: t.replace("daily_quota = 100", "daly_quota = 100  # <-"),
     "services[0].daly_quota: unknown key 'daly_quota' (did you mean 'daily_quota'?)"),
    ("window serves an unknown service",
     lambda t: t.replace('services = ["BDC"]', 'services = ["BCD"]  # <-'),
     "windows[0].services[0]: unknown service 'BCD' (did you mean 'BDC'?)"),
    ("duplicate ticket prefix",
     lambda t: t.replace('prefix = "B"', 'prefix = "A"  # <-'),
     "services[1].prefix: ticket prefix 'A' is used twice (first at entry 0)"),
    ("duplicate window number",
     lambda t: t.replace("number = 2", "number = 1  # <-"),
     "windows[1].number: window number 1 is used twice (first at entry 0)"),
    ("two devices on one port with different settings",
     lambda t: t + KEYPADS % ("?baud=19200\"  # <-\n#", 2),
     "devices.kp-2.link: serial:/dev/serial/by-id/usb-FTDI_A1-if00-port0 runs at 9600,8N1 for "
     "'kp-1' but 19200,8N1 here; one port has one setting"),
    ("two keypads at one address",
     lambda t: t + KEYPADS % ("", "1  # <-"),
     "devices.kp-2.address: address 1 on serial:/dev/serial/by-id/usb-FTDI_A1-if00-port0 "
     "is already 'kp-1'"),
    ("compartment beyond the board's locks",
     lambda t: t + LOCKER % "10  # <-",
     "lockers[0].compartments[0].first_lock: compartments 1…4 need locks 10…13, "
     "but board 'lb-1' has 12"),
    ("unknown family",
     lambda t: t + (LOCKER % "1").replace('family = "toy-board"', 'family = "toy-bord"  # <-'),
     "devices.lb-1.family: unknown locker_board family 'toy-bord'; known: 8a80, kerong-cu, toy-board "
     "(did you mean 'toy-board'?)"),
    ("a rating family not installed",
     lambda t: t + '\n[devices.r-1]\nkind = "rating"\nfamily = "ff68-rating"  # <-\nlink = "mqtt"\n',
     "devices.r-1.family: unknown rating family 'ff68-rating'; known: hid-rating, mqtt-tablet "
     "(did you mean 'hid-rating'?)"),
    ("unknown device kind",
     lambda t: t.replace('kind = "kiosk"', 'kind = "kiosks"  # <-'),
     "devices.kiosk-1.kind: unknown kind 'kiosks'"),
    ("serial port that is renumbered at boot",
     lambda t: t + (KEYPADS % ("", 2)).replace(
         "usb-FTDI_A1-if00-port0\"\naddress = 1", "/dev/ttyUSB0\"\naddress = 1").replace(
         'link = "serial:/dev/serial/by-id//dev/ttyUSB0"', 'link = "serial:/dev/ttyUSB0"  # <-'),
     "devices.kp-1.link: /dev/ttyUSB0 is renumbered at boot; use its /dev/serial/by-id/…"),
    ("missing required key",
     lambda t: t.replace('name_en = "Test Hall"\n', "").replace('[hall]', '[hall]  # <-'),
     "hall.name_en: required key is missing"),
    ("time range backwards",
     lambda t: t.replace('"13:30-17:30"]', '"17:30-13:30"]  # <-'),
     "hall.opening_hours.mon[1]: '17:30-13:30' ends before it starts"),
    ("TOML syntax",
     lambda t: t.replace('name_zh = "社保"', 'name_zh = "社保  # <-'),
     "TOML syntax: "),
    ("bad ticket prefix",
     lambda t: t.replace('prefix = "B"', 'prefix = "b1"  # <-'),
     "services[1].prefix: 'b1' is not valid: ticket prefix, e.g. 'A' → A001"),
    ("window keypad is not a keypad",
     lambda t: t.replace('services = ["BDC"]', 'services = ["BDC"]\nkeypad = "kiosk-1"  # <-'),
     "windows[0].keypad: device 'kiosk-1' is a kiosk, not a keypad"),
    ("free port without an embedded broker",
     lambda t: t.replace("port = 1883", "port = 0  # <-"),
     "bus.port: port 0 (any free port) only works with embedded = true"),
    ("unknown time zone",
     lambda t: t.replace('name_en = "Test Hall"', 'name_en = "Test Hall"\ntimezone = "Asia/Beijing"  # <-'),
     "hall.timezone: unknown time zone 'Asia/Beijing'"),
    ("address outside the family's range",
     lambda t: t + (KEYPADS % ("", 2)).replace("address = 1", "address = 300  # <-"),
     "devices.kp-1.address: address 300 is outside 1…254 for ff68"),
    ("unknown family option",
     lambda t: t + (LOCKER % "1").replace("locks = 12", 'locks = 12\noptions = { open_mss = 200 }  # <-'),
     "devices.lb-1.options.open_mss: toy-board has no option 'open_mss' (options: open_ms, beep) "
     "(did you mean 'open_ms'?)"),
    ("keypad keymap puts a data key on a host command code",
     lambda t: t + (KEYPADS % ("", 2)).replace(
         "address = 1\n", 'address = 1\noptions = { keymap = { confirm = 0x03, 3 = 0x23 } }  # <-\n', 1),
     "devices.kp-1.options.keymap: key 'confirm' carries data and may not use host command "
     "code 0x03"),
    ("a service name LED displays cannot show",
     lambda t: t.replace('name_zh = "社保"', 'name_zh = "社保喆"  # <-') + '''
[devices.d-1]
kind = "window_display"
family = "modbus-window"
link = "sim://displays"
address = 1
''',
     "services[1].name_zh: 喆 cannot be shown on LED window displays (their fonts hold GB2312 "
     "only); use another character"),
    ("USB pad keymap with a key evdev does not know",
     lambda t: t + '''
[devices.pad-1]
kind = "keypad"
family = "hid-keypad"
link = "evdev:/dev/input/by-id/usb-Numpad-event-kbd"
options = { keymap = { KEY_KP_ONE = "call" } }  # <-
''',
     "devices.pad-1.options.keymap: 'KEY_KP_ONE' is not an evdev key name such as KEY_KP1"),
    ("printer Chinese mode misspelt",
     lambda t: t + PRINTER % '{ chinese_mode = "gb18030" }  # <-',
     "devices.p-1.options.chinese_mode: 'gb18030' is not one of 'fs', 'none' or 'raster'"),
    ("ticket QR with an unknown field",
     lambda t: t + PRINTER % "{}" + '\n[ticket]\nqr = "https://zw.example.cn/q/{ticket}"  # <-\n',
     "ticket.qr: unknown field 'ticket' in qr; use {hall}, {ticket_id}, {secret}, {number}, {day}"),
    ("ticket notice a printer cannot print",
     lambda t: t + PRINTER % "{}" + '\n[ticket]\nnotice_zh = ["请勿遗失 🎫"]  # <-\n',
     "ticket.notice_zh[0]: 🎫 is outside GB2312"),
    ("unknown top-level section",
     lambda t: t + '\n[service]  # <-\ncode = "X"\n',
     "service: unknown key 'service' (did you mean 'services'?)"),
]


@pytest.mark.parametrize("name,breaker,expected", CASES, ids=[c[0] for c in CASES])
def test_broken_config_gets_its_message_at_its_line(tmp_path, toy_family, name, breaker, expected):
    text = breaker(base(tmp_path))
    assert "# <-" in text, "the case must mark the broken line"
    marked = next(i for i, line in enumerate(text.splitlines(), 1) if "# <-" in line)
    cfg, issues = check_text(text)
    assert cfg is None
    formatted = [i.format("hall.toml") for i in issues]
    hits = [(i, f) for i, f in zip(issues, formatted, strict=True) if expected in f]
    assert hits, f"expected {expected!r} among {formatted}"
    assert hits[0][0].line == marked, formatted


def test_every_problem_is_reported_at_once(tmp_path, toy_family):
    text = base(tmp_path)
    for _, breaker, _ in (CASES[0], CASES[1], CASES[2], CASES[9], CASES[16]):
        text = breaker(text)
    _, issues = check_text(text)
    messages = "\n".join(i.format("f") for i in issues)
    for expected in ("unknown key 'daly_quota'", "unknown service 'BCD'", "ticket prefix 'A' is used twice",
                     "unknown kind 'kiosks'", "port 0 (any free port)"):
        assert expected in messages
    assert len(issues) == 5, messages


def test_a_reference_to_a_broken_entry_is_not_reported_twice(tmp_path):
    text = base(tmp_path).replace('kind = "kiosk"', 'kind = "kiosk"\nprinter = "p1"') + '''
[devices.p1]
kind = "printer"
family = "escpo"
link = "sim://p1"
'''
    _, issues = check_text(text)
    line = text.splitlines().index('family = "escpo"') + 1
    assert [i.format("f") for i in issues] == [
        f"f:{line}: devices.p1.family: unknown printer family 'escpo'; known: escpos "
        "(did you mean 'escpos'?)"]


@pytest.mark.parametrize("path", [DEMO, ROOT / "config/examples/demo-hall-real.toml"])
def test_shipped_configs_are_valid_and_describe_the_demo_hall(path):
    cfg = load_config(path)
    assert [s.name_zh for s in cfg.services] == [
        "不动产登记", "社保", "医保", "公安户政", "税务", "市场主体登记", "公积金", "综合咨询"]
    assert len(cfg.windows) == 12
    assert len(cfg.devices_of("kiosk")) == 2 and len(cfg.devices_of("hall_board")) == 1
    assert {d.family for d in cfg.devices.values() if hasattr(d, "family")} <= {
        "ff68", "modbus-window", "escpos", "idcard-sam", "serial-scanner", "hid-scanner", "8a80",
        "mqtt-tablet"}
    for kiosk in cfg.devices_of("kiosk").values():  # each has its printer, reader and scanner
        assert kiosk.printer and kiosk.id_reader and kiosk.scanner
    schemes = {d.link.scheme for d in cfg.devices.values() if hasattr(d, "link")} - {"mqtt"}  # bus clients
    assert schemes == {"sim"} if path == DEMO else "sim" not in schemes


def test_config_check_cli_prints_errors_and_exits_78(tmp_path, write_config):
    bad = write_config(CASES[1][1](CASES[0][1](base(tmp_path))))
    proc = subprocess.run(hallctl_argv("config", "check", str(bad)), capture_output=True, text=True)
    assert proc.returncode == 78
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith(f"{bad}:") for line in lines)
    assert "2 problem(s)" in proc.stderr


def test_config_check_cli_summarises_a_valid_hall():
    proc = subprocess.run(hallctl_argv("config", "check", str(DEMO)), capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert out.startswith("OK  清河县政务服务中心")
    assert "A  BDC    不动产登记 / Real Estate Registration, quota 300/day, windows 1,2,3" in out
    assert len(out.splitlines()) <= 40  # one screen


def test_unreadable_file_is_an_issue_not_a_crash(tmp_path):
    cfg, issues = check_file(tmp_path / "missing.toml")
    assert cfg is None and "cannot read the file" in issues[0].message


def test_storage_dir_is_relative_to_the_config_file(tmp_path, write_config):
    cfg = load_config(write_config(small_hall("var/x")))
    assert cfg.storage_path == (tmp_path / "var/x").resolve()


def test_without_a_config_argument_hallctl_looks_where_a_hall_box_keeps_it(tmp_path, child_env):
    cfg = tmp_path / "mine.toml"
    cfg.write_text(small_hall(tmp_path / "var"), encoding="utf-8")
    env = {**child_env, "HALLKIT_CONFIG": str(cfg)}
    found = subprocess.run(hallctl_argv("config", "check"), cwd="/", env=env, capture_output=True,
                           text=True)
    assert found.returncode == 0 and "测试大厅" in found.stdout
    env["HALLKIT_CONFIG"] = str(tmp_path / "gone.toml")  # set but missing: an error, no fallback
    missing = subprocess.run(hallctl_argv("config", "check"), cwd="/", env=env, capture_output=True,
                             text=True)
    assert missing.returncode == 78 and "gone.toml" in missing.stdout + missing.stderr


@pytest.mark.parametrize("name,change,expected", [
    ("auth as text", ("auth = false", 'auth = "off"'),
     "bus.auth: expected true or false, not the text 'off' (write it without quotes)"),
    ("quota as text", ("daily_quota = 100", 'daily_quota = "400"'),
     "services[0].daily_quota: expected a number, not the text '400' (write it without quotes)"),
    ("auth as a number", ("auth = false", "auth = 1"), "bus.auth: expected true or false, not 1"),
])
def test_numbers_and_yes_no_are_not_read_from_text(tmp_path, name, change, expected):
    _, issues = check_text(small_hall(tmp_path / "var").replace(*change))
    assert [i.format("h").split(": ", 1)[1] for i in issues] == [expected]


def test_a_device_stands_at_one_window_and_a_printer_in_one_kiosk(tmp_path):
    text = small_hall(tmp_path / "var", extra='''printer = "p1"
[devices.kiosk-2]
kind = "kiosk"
printer = "p1"
[devices.p1]
kind = "printer"
family = "escpos"
link = "file:/dev/usb/lp0"
[devices.kp]
kind = "keypad"
family = "hid-keypad"
link = "evdev:/dev/input/by-id/usb-pad-event-kbd"
''')
    text = text.replace('services = ["BDC"]\n', 'services = ["BDC"]\nkeypad = "kp"\n').replace(
        'services = ["SB", "BDC"]\n', 'services = ["SB", "BDC"]\nkeypad = "kp"\n')
    _, issues = check_text(text)
    assert sorted(i.message for i in issues) == [
        "keypad 'kp' is already at window 1; a device stands at one window",
        "printer 'p1' is already the printer of kiosk-1; a kiosk's printer is its own"]


def test_notepad_and_gbk_files(tmp_path):
    text = small_hall(tmp_path / "var")
    bom = tmp_path / "bom.toml"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert check_file(bom)[1] == []
    gbk = tmp_path / "gbk.toml"
    gbk.write_bytes(text.encode("gb18030"))
    issues = check_file(gbk)[1]
    assert [i.format("g") for i in issues] == [
        "g:6: (top): the file is not UTF-8; it looks saved as GB18030/GBK: save it as UTF-8 "
        "(记事本: 另存为, 编码 UTF-8)"]


def test_a_key_after_a_multi_line_string_is_found_at_its_line(tmp_path):
    text = small_hall(tmp_path / "var").replace(
        'name_en = "Test Hall"', 'name_en = """Test\n[devices.zz]\nHall"""\ntimezone = "Mars/Base"')
    line = text.splitlines().index('timezone = "Mars/Base"') + 1
    assert [i.line for i in check_text(text)[1]] == [line]


def test_a_storage_folder_this_user_cannot_write_stops_daemons_not_readers(tmp_path, write_config,
                                                                          child_env):
    (tmp_path / "afile").write_text("x")  # a path through a file: no user can make it
    path = write_config(small_hall(tmp_path / "afile" / "var"))
    run = subprocess.run(hallctl_argv("run", "hall", "--check-config", "-c", str(path)),
                         capture_output=True, text=True, env=child_env)
    assert run.returncode == 78 and "storage_dir:" in run.stderr and "is not a folder" in run.stderr
    check = subprocess.run(hallctl_argv("config", "check", str(path)), capture_output=True,
                           text=True, env=child_env)
    assert check.returncode == 0 and "NOTE: for this user" in check.stdout  # said, not refused


def test_config_check_warns_of_a_lock_board_line_polled_too_slowly(tmp_path, write_config):
    boards = "".join(f'''
[devices.lb-{n}]
kind = "locker_board"
family = "8a80"
link = "sim://lockers"
address = {n}
locks = 24
''' for n in range(1, 8))
    path = write_config(small_hall(tmp_path / "var", extra=boards))
    proc = subprocess.run(hallctl_argv("config", "check", str(path)), capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "WARNING: 7 lock boards share sim:lockers" in proc.stdout
    six = write_config(small_hall(tmp_path / "var", extra=boards.split("\n[devices.lb-7]")[0]))
    assert "WARNING" not in subprocess.run(hallctl_argv("config", "check", str(six)),
                                           capture_output=True, text=True).stdout
