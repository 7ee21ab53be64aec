"""Resident ID card readers (SAM frames): the codec against the protocol file's golden
frames, the host's polling against the simulator over a real pty (and the USB form
against a fake USB bus), and every fault the simulator can show."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
import usb.core
from fake_usb import FakeBackend, FakePrinter

from hallkit.drivers.idcard_sam import codec, reader
from hallkit.drivers.idcard_sam.codec import Card, CardError, FrameError
from hallkit.drivers.idcard_sam.links import SerialSamLink, UsbSamLink
from hallkit.drivers.idcard_sam.reader import CardReader
from hallkit.drivers.idcard_sam.sim import CARDS, IdReaderSim, ReaderModel
from hallkit.idnumbers import valid_id_number

TODAY = date(2026, 11, 30)


# -- codec ------------------------------------------------------------------------------------
def test_requests_and_replies_are_the_protocol_files_golden_frames():
    assert codec.request(codec.FIND) == bytes.fromhex("AA AA AA 96 69 00 03 20 01 22")
    assert codec.request(codec.SELECT) == bytes.fromhex("AA AA AA 96 69 00 03 20 02 21")
    assert codec.request(codec.READ) == bytes.fromhex("AA AA AA 96 69 00 03 30 01 32")
    assert codec.reply(codec.NO_CARD) == bytes.fromhex("AA AA AA 96 69 00 04 00 00 80 84")
    assert codec.reply(codec.FOUND, bytes(4)) == bytes.fromhex("AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97")
    assert codec.reply(codec.OK, bytes(8)) == bytes.fromhex(
        "AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C")
    read = codec.reply(codec.OK, codec.read_data(codec.text_block(CARDS["zhang"])))
    assert len(read) == 1295 and read.startswith(bytes.fromhex("AA AA AA 96 69 05 08 00 00 90 01 00 04 00"))


def test_garbled_frames_are_refused():
    good = codec.reply(codec.NO_CARD)
    assert codec.parse_reply(good) == codec.Reply(codec.NO_CARD)
    for bad in (good[:-1] + b"\x00", b"\xaa\xaa\xab" + good[3:], good[:-2], good + b"\x00"):
        with pytest.raises(FrameError):
            codec.parse_reply(bad)
    with pytest.raises(FrameError):
        codec.body_length(bytes.fromhex("AA AA AA 96 69 FF FF"))  # LEN out of range


def test_the_text_block_round_trips_and_other_cards_are_refused():
    for card in CARDS.values():
        assert codec.parse_text(codec.text_block(card)) == card
    assert codec.parse_text(codec.text_block(CARDS["li"])).valid_to == "长期"
    assert not CARDS["li"].expired(TODAY) and CARDS["expired"].expired(TODAY)
    for mark in "JI":
        with pytest.raises(CardError, match="layout differs"):
            codec.parse_text(codec.text_block(CARDS["zhang"], mark))
    misread = Card(**{**CARDS["zhang"].__dict__, "id_number": "110102199001010031"})
    with pytest.raises(codec.MisreadError) as exc:
        codec.parse_text(codec.text_block(misread))
    assert "0031" not in str(exc.value)  # not even masked digits go to a log
    for field, value in (("birth", "19901301"), ("valid_to", "2035XX01"), ("name", "")):
        with pytest.raises(CardError, match=field):
            codec.parse_text(codec.text_block(Card(**{**CARDS["zhang"].__dict__, field: value})))


def test_id_numbers_are_checked_by_gb_11643():
    assert valid_id_number("11010519491231002X")  # the standard's own example
    assert not valid_id_number("110105194912310021")
    assert not valid_id_number("11010519491231002")
    assert all(valid_id_number(c.id_number) for c in CARDS.values())


# -- the host polling the simulator over a pty --------------------------------------------------
class Seen:
    def __init__(self) -> None:
        self.cards: list[Card] = []
        self.refused: list[str] = []
        self.states: list[tuple[bool, str | None]] = []


async def polling(sim_or_link, seen: Seen, **kw):
    link = sim_or_link if not isinstance(sim_or_link, IdReaderSim) else SerialSamLink(
        sim_or_link.path, baud=115200, fmt="8N1", on_port=lambda up, why: None)
    card_reader = CardReader(link, on_card=seen.cards.append,
                             on_refused=lambda why, card: seen.refused.append(why),
                             on_state=lambda up, why: seen.states.append((up, why)),
                             today=lambda: TODAY, poll_s=0.05, **kw)
    return card_reader, asyncio.create_task(card_reader.run())


async def until(condition, timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.02)


def test_a_placed_card_is_read_once_per_placing(run):
    async def scenario():
        sim = IdReaderSim()
        await sim.start()
        seen = Seen()
        _, task = await polling(sim, seen)
        await until(lambda: seen.states == [(True, None)])
        sim.model.place(CARDS["li"])
        await until(lambda: seen.cards)
        await asyncio.sleep(0.5)  # it lies there: find answers 80 now, nothing more is read
        assert seen.cards == [CARDS["li"]]
        assert sim.model.requests.count(codec.READ) == 1
        sim.model.lift()
        sim.model.place(CARDS["zhang"])
        await until(lambda: len(seen.cards) == 2)
        assert seen.cards[1] == CARDS["zhang"] and seen.refused == []
        task.cancel()
        sim.close()

    run(scenario())


@pytest.mark.parametrize("fault, card, refused, expect_card", [
    ("garble", "zhang", [], True),        # one garbled reply: asked again
    ("misread", "zhang", [], True),       # a wrong check digit: read again
    ("moving", "zhang", ["hold_still"], False),
    ("none", "expired", ["expired"], False),
    ("none", "permit", ["unsupported"], False),
])
def test_faults_are_asked_again_or_explained(run, fault, card, refused, expect_card):
    async def scenario():
        sim = IdReaderSim()
        await sim.start()
        seen = Seen()
        card_reader, task = await polling(sim, seen)
        sim.model.set_fault(fault)
        sim.model.place(CARDS.get(card, CARDS["zhang"]), "J" if card == "permit" else " ")
        await until(lambda: seen.cards or seen.refused)
        await asyncio.sleep(0.2)
        assert seen.refused[:1] == refused
        assert (seen.cards == [CARDS["zhang"]]) == expect_card
        if fault in ("garble", "misread"):
            assert card_reader.counts["garbled" if fault == "garble" else "misread"] == 1
        task.cancel()
        sim.close()

    run(scenario())


def test_a_silent_reader_goes_offline_and_comes_back(run, monkeypatch):
    monkeypatch.setattr(reader, "REPLY_TIMEOUT_S", 0.2)
    monkeypatch.setattr(reader, "OFFLINE_POLL_S", 0.1)

    async def scenario():
        sim = IdReaderSim()
        await sim.start()
        seen = Seen()
        _, task = await polling(sim, seen)
        await until(lambda: seen.states == [(True, None)])
        sim.model.set_fault("silent")
        await until(lambda: len(seen.states) == 2)
        assert seen.states[1] == (False, "no answer to 3 requests")
        sim.model.set_fault("none")
        await until(lambda: len(seen.states) == 3)
        assert seen.states[2] == (True, None)
        sim.model.set_fault("sam")
        await until(lambda: len(seen.states) == 4)
        assert seen.states[3][0] is False and "SAM" in seen.states[3][1]
        task.cancel()
        sim.close()

    run(scenario())


# -- the USB form ---------------------------------------------------------------------------------
class FakeReaderModel:
    """The reader's answers behind a fake USB bus: what is written to bulk OUT is answered
    on bulk IN."""

    def __init__(self, device) -> None:
        self.device = device
        self.reader = ReaderModel()

    def feed(self, data: bytes) -> None:
        out = self.reader.answer(data)
        if out is not None:
            self.device.pending += out


def test_the_usb_form_reads_the_same_frames(run):
    device = FakePrinter(0x0400, 0xC35A, "IDR2")
    device.model = FakeReaderModel(device)
    device.model.reader.place(CARDS["zhang"])

    async def scenario():
        seen = Seen()
        _, task = await polling(UsbSamLink(0x0400, 0xC35A, backend=FakeBackend(device)), seen)
        await until(lambda: seen.cards)
        assert seen.cards == [CARDS["zhang"]]
        device.unplug()
        await until(lambda: seen.states[-1][0] is False, timeout=10)
        device.plug()
        device.model.reader.lift()
        device.model.reader.place(CARDS["li"])
        await until(lambda: len(seen.cards) == 2, timeout=10)
        task.cancel()

    run(scenario(), timeout=30)


class HeldByKernel(FakeBackend):
    """The kernel's own driver has the reader, and this user may not take it away."""

    def is_kernel_driver_active(self, handle, intf):
        return True

    def detach_kernel_driver(self, handle, intf):
        raise usb.core.USBError("Access denied (insufficient permissions)", errno=13)


def test_a_reader_the_kernel_holds_is_said_once_and_not_read(run, caplog):
    device = FakePrinter(0x0400, 0xC35A, "IDR3")
    device.model = FakeReaderModel(device)
    link = UsbSamLink(0x0400, 0xC35A, backend=HeldByKernel(device))

    async def scenario():
        return [await link.transact(b"\xaa\xaa\xaa\x96\x69\x00\x03\x20\x01\x22", 0.1) for _ in range(3)]

    assert run(scenario(), timeout=10) == [None, None, None]
    said = [r.getMessage() for r in caplog.records if "could not be detached" in r.getMessage()]
    assert len(said) == 1 and "insufficient permissions" in said[0]


def test_odd_codes_on_find_poll_on_quietly_and_a_failed_read_is_told(run):
    """24 or 31-33 answered to find is no card to refuse; a read that gets nothing is."""
    class Odd(ReaderModel):
        def answer(self, frame):
            command = self.command_of(frame)
            if command == codec.FIND and self.card is None:
                return codec.reply(0x31)
            if command == codec.READ and self.fault == "silent-read":
                return None
            return super().answer(frame)

    async def scenario():
        sim = IdReaderSim()
        sim.model = Odd()
        await sim.start()
        seen = Seen()
        reader_, task = await polling(sim, seen)
        await asyncio.sleep(0.6)
        assert seen.refused == [] and reader_.counts["find failed 31"] > 0
        sim.model.fault = "silent-read"
        sim.model.place(CARDS["zhang"])
        await until(lambda: seen.refused, timeout=8)
        assert seen.refused == ["failed"] and seen.cards == []
        task.cancel()
        sim.close()

    run(scenario(), timeout=20)
