"""The voice (语音叫号): what a call and a recall say in both number styles, the drop rules
under a burst, the clip bank from espeak-ng and sox (and a hall's recordings winning), WAV
output that is speech and not silence, and a bus drop after which nothing is replayed."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from queue_kit import MONDAY_9

from hallkit.clock import ManualClock
from hallkit.config.load import load_config
from hallkit.contract.envelope import event_json
from hallkit.daemons.queue.contract import CalledEvent
from hallkit.daemons.voice import clipbank
from hallkit.daemons.voice.announcer import Announcer, Item
from hallkit.daemons.voice.daemon import VoiceDaemon
from hallkit.daemons.voice.phrases import announcement, en_number, zh_number

from conftest import harness, small_hall

needs_tools = pytest.mark.skipif(not (shutil.which("espeak-ng") and shutil.which("sox")),
                                 reason="espeak-ng and sox are installed by scripts/bootstrap")


def test_a_call_reads_letters_by_name_and_digits_one_by_one():
    assert announcement("A012", 3, 0) == [
        "chime", "pause_short",
        "qing", "letter_A", "ling", "yi", "er", "hao", "dao", "san", "hao", "chuangkou", "banli",
        "pause_long",
        "qing", "letter_A", "ling", "yi", "er", "hao", "dao", "san", "hao", "chuangkou", "banli"]


def test_a_recall_says_which_call_it_is_and_numbers_read_as_numbers():
    said = announcement("B105", 12, 1, style="number", repeat=1, chime=False, english=True)
    assert said == ["di", "er", "ci", "hujiao", "pause_short",
                    "qing", "letter_B", "yi", "bai", "ling", "wu", "hao", "dao", "shi", "er", "hao",
                    "chuangkou", "banli",
                    "pause_long", "en_second_call", "pause_short", "en_number", "letter_B", "en_one",
                    "en_zero", "en_five", "en_please_go_to", "en_window", "en_twelve"]
    assert announcement("A012", 3, 0, style="number", repeat=1, chime=False)[1:3] == ["letter_A", "shi"]


@pytest.mark.parametrize(("n", "zh"), [(0, "ling"), (7, "qi"), (10, "shi"), (12, "shi er"),
                                       (20, "er shi"), (99, "jiu shi jiu"), (100, "yi bai"),
                                       (105, "yi bai ling wu"), (110, "yi bai yi shi"),
                                       (999, "jiu bai jiu shi jiu")])
def test_numbers_are_said_as_a_hall_says_them(n, zh):
    assert " ".join(zh_number(n)) == zh


def test_english_numbers_for_windows():
    assert en_number(3) == ["en_three"] and en_number(14) == ["en_fourteen"]
    assert en_number(60) == ["en_sixty"] and en_number(42) == ["en_forty", "en_two"]


def test_a_burst_of_50_calls_in_2_s_is_said_in_order_without_overlap_stale_or_superseded_calls():
    """12 windows call 50 tickets in 2 s; each announcement takes 11 s. Every call is said or
    dropped with its reason; none is said after another window's newer call in the queue for
    its own window, none more than 20 s after its call, and the order is the calls' order."""
    announcer = Announcer(max_age_s=20)
    now, said, dropped, newest = 1000.0, [], [], {}
    calls = [Item(called_at=now + i * 0.04, number=f"A{i + 1:03d}", window=1 + i % 12) for i in range(50)]
    for item in calls:
        announcer.add(item)
        newest[item.window] = item.number
    speaking_until = now
    while True:
        now = max(now, speaking_until)
        item, gone = announcer.next(now)
        dropped += gone
        if item is None:
            break
        assert now - item.called_at <= 20
        said.append((now, item))
        speaking_until = now + 11.0  # one at a time: the next starts when this one ends
    assert len(said) + len(dropped) == 50  # nothing lost without a word
    assert [i.number for _, i in said] == sorted(i.number for _, i in said)  # the calls' order
    assert all(newest[i.window] == i.number for _, i in said)  # never a superseded call
    reasons = {re.sub(r"\d+", "N", why) for _, why in dropped}
    assert reasons == {"window N has called a newer ticket", "waited N s, over N s"}
    assert [i.number for _, i in said] == ["A039", "A040"]  # the newest of windows 3 and 4 in time


@needs_tools
def test_the_clip_bank_is_made_once_and_a_halls_recording_wins(tmp_path):
    made = clipbank.build(tmp_path / "clips")
    assert len(made) == len(clipbank.clip_names()) - 1  # every clip but the chime, made in Python
    assert clipbank.build(tmp_path / "clips") == []     # made once
    recorded = tmp_path / "recorded"
    recorded.mkdir()
    subprocess.run(["sox", "-n", "-r", "44100", "-c", "2", str(recorded / "qing.wav"), "synth", "0.5",
                    "sine", "440"], check=True)  # a hall's own recording, in another format
    bank = clipbank.ClipBank(tmp_path / "clips", recorded)
    assert bank.recorded == ["qing"]
    assert len(bank.clips["qing"]) == 8000 * 2  # 0.5 s at 16 kHz, mono, 16-bit
    (tmp_path / "clips" / "hao.wav").unlink()
    with pytest.raises(clipbank.ClipError, match=r"1 clip\(s\) missing or unreadable: .*hao.wav"):
        clipbank.ClipBank(tmp_path / "clips")


def sox_stat(path: Path) -> dict[str, float]:
    out = subprocess.run(["sox", str(path), "-n", "stat"], capture_output=True, text=True, check=True).stderr
    return {m[1].strip(): float(m[2]) for m in re.finditer(r"^([A-Za-z ()]+):\s+(-?[0-9.]+)$", out, re.M)}


def voice_hall(tmp_path, broker, voice: str = "") -> object:
    path = tmp_path / "hall.toml"
    extra = f'\n[voice]\noutput = "wav"\n{voice}'
    path.write_text(small_hall(tmp_path / "var", port=broker.port, extra=extra))
    return load_config(path)


async def called(client, cfg, clock, number: str, window: int, recall: int = 0) -> None:
    event = CalledEvent(ticket_id=number.lower() * 2, number=number, service="BDC", window=window,
                        window_label_zh=f"{window}号窗口", window_label_en=f"Window {window}", recall=recall)
    client.publish(f"hall/{cfg.hall.id}/queue/main/event/called", event_json(event, clock.time()), qos=1)


@needs_tools
def test_each_call_is_written_as_speech_of_the_right_length_and_nothing_is_replayed_after_a_drop(
        tmp_path, broker):
    cfg = voice_hall(tmp_path, broker, 'english = true\nquiet_hours = ["12:00-13:30"]\n')
    clock = ManualClock(MONDAY_9, cfg.hall.timezone)

    async def scenario():
        spoken: list[dict] = []
        async with harness(VoiceDaemon, cfg, clock=clock) as h:
            h.client.subscribe(f"hall/{cfg.hall.id}/voice/main/event/spoken",
                               lambda t, p: spoken.append(json.loads(p)["data"]))
            await called(h.client, cfg, clock, "A012", 3)
            await wait_for(lambda: list((cfg.storage_path / "voice" / "out").glob("*A012-w3.wav")))
            await wait_for(lambda: spoken, clock)  # the speaker's time passes
            assert spoken[0]["outcome"] == "spoken" and spoken[0]["started_at"] - spoken[0]["called_at"] < 1
            state = h.daemon.retained_state()
            assert state.output.startswith("wav:") and state.spoken == 1
        wav = Path(spoken[0]["file"])
        clips = announcement("A012", 3, 0, english=True)
        bank = clipbank.ClipBank(cfg.storage_path / "voice" / "clips")
        expected = sum(len(bank.clips[c]) for c in clips if c in bank.clips) / (2 * clipbank.RATE)
        stat = sox_stat(wav)
        assert stat["RMS     amplitude"] > 0.02  # speech, not silence
        assert 0.8 * expected <= stat["Length (seconds)"] <= 1.2 * expected
        # Off the bus, calls are made; back on it, the broker hands them over: none is said.
        async with harness(VoiceDaemon, cfg, clock=clock) as h:
            pass
        from hallkit.bus.client import BusClient
        from hallkit.bus.settings import bus_settings
        queue = BusClient(bus_settings(cfg, None), "test-queue", hall=cfg.hall.id)
        queue.subscribe(f"hall/{cfg.hall.id}/voice/main/event/spoken",
                        lambda t, p: spoken.append(json.loads(p)["data"]))
        await queue.connect()
        for n in range(3):
            await called(queue, cfg, clock, f"A10{n}", 1)
        await asyncio.sleep(0.2)
        clock.advance(1)
        spoken.clear()
        async with harness(VoiceDaemon, cfg, clock=clock) as h:
            await wait_for(lambda: len(spoken) == 3)
            assert {s["outcome"] for s in spoken} == {"dropped"}
            assert "(re)started" in spoken[0]["reason"]
            clock.advance(1)
            await called(queue, cfg, clock, "A104", 2)  # a call made now is said
            await wait_for(lambda: len(spoken) == 4 or list((cfg.storage_path / "voice" / "out")
                                                             .glob("*A104-w2.wav")))
        await queue.close()

    asyncio.run(scenario())


async def wait_for(predicate, clock: ManualClock | None = None, timeout: float = 10.0):
    """Until ``predicate``; with ``clock``, the hall's time runs on a second per step meanwhile
    (an announcement takes its length in the hall's time)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.02)
        if clock is not None:
            clock.advance(1)


@needs_tools
def test_quiet_hours_lower_the_volume(tmp_path):
    clipbank.build(tmp_path / "clips")
    bank = clipbank.ClipBank(tmp_path / "clips")
    names = announcement("A012", 3, 0, repeat=1)
    loud, quiet = tmp_path / "loud.wav", tmp_path / "quiet.wav"
    clipbank.write_wav(loud, bank.render(names, 0.9))
    clipbank.write_wav(quiet, bank.render(names, 0.3))
    rms = "RMS     amplitude"
    assert sox_stat(quiet)[rms] == pytest.approx(sox_stat(loud)[rms] / 3, rel=0.05)


@needs_tools
def test_a_kiosk_in_elderly_mode_is_spoken_to_on_its_own_speaker_in_fixed_sentences_only(tmp_path, broker):
    from conftest import kiosk_1_devices
    path = tmp_path / "hall.toml"
    path.write_text(small_hall(tmp_path / "var", port=broker.port,
                               extra=kiosk_1_devices('speaker = "wav"') + '\n[voice]\noutput = "wav"\n'))
    cfg = load_config(path)
    clock = ManualClock(MONDAY_9, cfg.hall.timezone)

    async def scenario():
        async with harness(VoiceDaemon, cfg, clock=clock, user="kiosk-1") as kiosk:
            said = await kiosk.request("kiosk-say", {"step": "ticket", "number": "A012", "ahead": 3})
            assert said.data == {"replaced": False}
            out = cfg.storage_path / "voice" / "out" / "kiosk-1"
            await wait_for(lambda: list(out.glob("*kiosk-1-ticket.wav")), clock, timeout=30)
            other = await kiosk.request("kiosk-say", {"kiosk": "kiosk-9", "step": "home"})
            assert other.error.code == "forbidden"  # only for itself
            free = await kiosk.request("say", {"text": "随便说点什么"})
            assert free.error.code == "forbidden"   # no free text from a kiosk
            assert not list((cfg.storage_path / "voice" / "out").glob("*.wav"))  # the hall's PA: silent
            return next(out.glob("*kiosk-1-ticket.wav"))

    wav = asyncio.run(scenario())
    assert sox_stat(wav)["RMS     amplitude"] > 0.02
    assert 2.5 < sox_stat(wav)["Length (seconds)"] < 12


def test_the_ticket_step_says_the_number_and_the_people_ahead():
    from hallkit.daemons.voice.steps import step_parts
    assert step_parts("ticket", "A012", 3) == [
        ("text", "您的号码是"), ("clips", ["letter_A", "ling", "yi", "er", "hao", "pause_short"]),
        ("text", "前面还有"), ("clips", ["san"]), ("text", "人，请留意叫号")]
    assert step_parts("ticket", "B001", 0)[-1] == ("text", "前面没有人，请留意叫号")
