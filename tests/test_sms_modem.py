"""SMS through a USB GSM modem's AT port: the sender against a modem simulator on a real pty
(PDU mode, UCS-2, a long message in parts put back together), a SIM with a PIN, no network,
a silent modem; and the locker daemon's outbox holding a code until the network is back."""

from __future__ import annotations

import asyncio

import pytest

from hallkit.drivers.gsm_modem.sender import ModemSender, SendError
from hallkit.drivers.gsm_modem.sim import ModemSim

LONG = ("【清河县政务服务中心】提醒：您的办件QH20261120000207仍在自助文件柜9号柜，请尽快凭取件码领取。"
        "柜子24小时开放，如有疑问请拨打0731-12345678咨询。")


@pytest.fixture
def modem():
    sim = ModemSim().start()
    yield sim
    sim.close()


def test_a_long_chinese_message_goes_in_parts_and_arrives_whole(modem):
    assert len(LONG) > 70  # one UCS-2 part holds 70
    answer = ModemSender(modem.path).send("13907315678", LONG)
    assert answer == "+CMGS: 1,2"
    assert modem.received == [("+8613907315678", LONG)]
    assert "AT+CMGF=0" in modem.commands and "ATE0" in modem.commands
    assert ModemSender(modem.path).send("13907315678", "取件码216467") == "+CMGS: 3"
    assert modem.received[-1] == ("+8613907315678", "取件码216467")


def test_a_sim_with_a_pin_takes_it_from_its_file_and_a_wrong_one_only_once(modem, tmp_path):
    modem.condition = "pin"
    with pytest.raises(SendError, match="SIM is not ready: 'SIM PIN'"):
        ModemSender(modem.path).send("13907315678", "取件码216467")
    with pytest.raises(SendError, match="cannot be read"):  # the file missing: this SMS fails, no more
        ModemSender(modem.path, pin_file=tmp_path / "sim-pin").send("13907315678", "取件码216467")
    (tmp_path / "sim-pin").write_text("9999\n")
    wrong = ModemSender(modem.path, pin_file=tmp_path / "sim-pin")
    with pytest.raises(SendError, match="CME ERROR: 16"):
        wrong.send("13907315678", "取件码216467")
    with pytest.raises(SendError, match="not trying again"):  # a third wrong PIN would lock the SIM
        wrong.send("13907315678", "取件码216467")
    assert sum(c.startswith("AT+CPIN=") for c in modem.commands) == 1
    (tmp_path / "sim-pin").write_text("1234\n")
    ModemSender(modem.path, pin_file=tmp_path / "sim-pin").send("13907315678", "取件码216467")
    assert modem.received == [("+8613907315678", "取件码216467")]


def test_no_network_a_silent_modem_and_no_modem_are_errors_not_hangs(modem, tmp_path):
    modem.condition = "no_network"
    with pytest.raises(SendError, match=r"\+CMS ERROR: 331"):
        ModemSender(modem.path).send("13907315678", "取件码216467")
    modem.condition = "silent"
    with pytest.raises(SendError, match="does not answer AT"):
        ModemSender(modem.path).send("13907315678", "取件码216467")
    with pytest.raises(SendError, match="modem /nonexistent/ttyUSB2"):
        ModemSender("/nonexistent/ttyUSB2").send("13907315678", "取件码216467")
    assert modem.received == []


def test_the_locker_outbox_keeps_a_code_until_the_modem_has_network(tmp_path, broker, modem):
    from test_locker import Scene

    modem.condition = "no_network"
    scene = Scene(tmp_path, broker, sms=f'[locker.sms]\nbackend = "modem"\nmodem_port = "{modem.path}"\n')

    async def scenario():
        await scene.start()
        async with scene.daemon() as ops:
            opening = (await ops.request("deposit", {"case_no": "QH20261120000207", "size": "S",
                                                     "phone": "13907315678"})).data
            await scene.opened(opening["op_id"])
            scene.sim.door(1, opening["number"], "close")
            await scene.until(lambda: scene.done(opening["op_id"]) is not None)
            await scene.until(lambda: len(modem.commands) > 4, tick=True)  # tried, refused
            assert modem.received == [] and scene.states[-1]["sms_waiting"] == 1
            modem.condition = "ok"
            await scene.until(lambda: modem.received, tick=True)  # the backoff ran out: sent
            number, text = modem.received[0]
            assert number == "+8613907315678" and "取件码" in text
            code = text.split("取件码")[1][:6]
            assert (await scene.pickup(code))["outcome"] == "opening"
            await scene.until(lambda: scene.states[-1]["sms_waiting"] == 0)
            stored = b"".join(p.read_bytes() for p in scene.cfg.storage_path.glob("locker.sqlite*"))
            assert code.encode() not in stored  # neither the outbox nor the gateway's answer keep it
        await scene.close()

    asyncio.run(scenario())
