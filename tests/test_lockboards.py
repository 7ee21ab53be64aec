"""The lock board families: golden bytes from the protocol files, replies framed by what
was asked (with noise, split reads and the 8A/80 prefix trap), both vendors' bit layouts,
and the line driver against the simulated boards on a real pty: doors polled, opens
confirmed, a stuck latch, a forced door, silent and garbling boards."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

from hallkit.drivers.lock_8a80 import codec as c8
from hallkit.drivers.lock_8a80.sim import Frames8A80
from hallkit.drivers.lock_kerong import codec as ck
from hallkit.drivers.lock_kerong.sim import FramesKerong
from hallkit.drivers.lockboard.frames import BoardState, Expect, LockState, Report
from hallkit.drivers.lockboard.line import BoardLine
from hallkit.drivers.lockboard.sim import LockBoardsSim, SimBoard
from hallkit.drivers.transport.serial_line import SerialLine


def test_8a80_golden_bytes():
    one, two = c8.Board(1), c8.Board(2)
    assert one.open(1)[0] == bytes.fromhex("8A 01 01 11 9B")
    assert one.query_all()[0] == bytes.fromhex("80 01 00 33 B2")
    assert two.query(5)[0] == bytes.fromhex("80 02 05 33 B4")
    assert one.open_all() == bytes.fromhex("8A 01 00 11 9A")
    assert one.locks_to_bits({1, 8}) == bytes.fromhex("00 00 81")


def test_8a80_refuses_lock_0_and_locks_a_board_lacks():
    with pytest.raises(ValueError, match="lock 0 is not on board 1"):
        c8.Board(1).open(0)
    with pytest.raises(ValueError, match="lock 13 is not on board 3"):
        c8.Board(3, locks=12).open(13)
    with pytest.raises(ValueError, match="outside 1-32"):
        c8.Board(33)


def test_8a80_replies_are_framed_by_what_was_asked():
    board = c8.Board(1)
    framer = c8.Framer({1: board})
    reply = bytes.fromhex("80 01 00 00 81 33 33")  # its first 5 bytes also pass as a frame
    assert framer.feed(reply, Expect("board", 1)) == [BoardState(1, frozenset({1, 8}))]
    # Noise first, the reply split over three reads: one whole reply, the noise counted.
    noise = bytes.fromhex("FF 00 8A")
    got = []
    for part in (noise + reply[:2], reply[2:5], reply[5:]):
        got += framer.feed(part, Expect("board", 1))
    assert got == [BoardState(1, frozenset({1, 8}))] and framer.skipped >= 3
    bad = bytearray(c8.frame(c8.QUERY, 1, 5, 0x11))
    bad[-1] ^= 1
    assert framer.feed(bytes(bad), Expect("lock", 1, 5)) == []  # a bad BCC is no answer
    framer.buffer.clear()
    assert framer.feed(c8.frame(c8.OPEN, 1, 5, 0x00), Expect("open", 1, 5)) == [
        LockState(1, 5, False, to_open=True)]  # right after the pulse: still reads shut


def test_8a80_reports_arrive_wherever_they_come_and_do_not_end_a_wait():
    framer = c8.Framer({2: c8.Board(2)}, reports=True)
    report = c8.frame(c8.REPORT, 2, 4, 0x11)
    half = c8.frame(c8.QUERY, 2, 0, 0)[:3]
    assert framer.feed(report + half, Expect("board", 2)) == [Report(2, 4, True)]
    rest = bytes([0x00, 0x00, 0x33])
    rest += bytes([c8.bcc(half + rest)])
    assert framer.feed(rest, Expect("board", 2)) == [BoardState(2, frozenset())]


@pytest.mark.parametrize(("order", "level", "locks"), [
    ("high-first", "11", 24), ("low-first", "11", 24), ("high-first", "00", 12), ("low-first", "00", 16)])
def test_8a80_bit_layouts_and_inverted_levels_round_trip(order, level, locks):
    board = c8.Board(1, locks, int(level, 16), order)
    opened = frozenset({1, 2, locks // 2, locks})
    assert board.bits_to_locks(*board.locks_to_bits(opened)) == opened
    if order == "low-first" and level == "11":
        assert board.locks_to_bits({1, 9, 17}) == bytes([1, 1, 1])
    if level == "00":
        assert board.is_open(0x00) and not board.is_open(0x11)


def test_kerong_golden_bytes_and_its_zero_based_lock_index():
    assert ck.Board(0).open(1)[0] == bytes.fromhex("02 00 31 03 36")
    assert ck.Board(1).open(6)[0] == bytes.fromhex("02 15 31 03 4B")
    assert ck.Board(1, 16).query_all()[0] == bytes.fromhex("02 10 32 03 47")
    with pytest.raises(ValueError, match="12 or 16"):
        ck.Board(0, 24)


def test_kerong_state_replies_carry_the_whole_board_and_the_infrared_sensor():
    board = ck.Board(3, 16, has_ir=True)
    framer = ck.Framer({3: board})
    reply = ck.frame(0x30, ck.STATE_REPLY, board.state_bytes({1, 9, 16}, {2}))
    assert framer.feed(b"\x00\x03" + reply[:4], Expect("board", 3)) == []
    assert framer.feed(reply[4:], Expect("board", 3)) == [
        BoardState(3, frozenset({1, 9, 16}), frozenset({2}))]
    assert framer.feed(reply, Expect("lock", 3, 9)) == [LockState(3, 9, True)]
    wrong_board = ck.frame(0x40, ck.STATE_REPLY, bytes(4))
    assert framer.feed(wrong_board, Expect("board", 3)) == []


class Recorder:
    def __init__(self) -> None:
        self.boards: list[tuple] = []
        self.doors: list[tuple] = []
        self.snapshots: dict[str, frozenset] = {}


async def line_with(sim_boards, frames, codec_boards, framer):
    sim = LockBoardsSim(sim_boards, frames)
    await sim.start()
    seen = Recorder()
    line = BoardLine(lambda data: port.write(data), framer, codec_boards,
                     on_board=lambda *a: seen.boards.append(a), on_door=lambda *a: seen.doors.append(a),
                     on_snapshot=lambda dev, opened, occ: seen.snapshots.__setitem__(dev, opened))
    port = SerialLine(sim.path, baud=9600, on_bytes=line.feed)
    await port.open()
    task = asyncio.create_task(line.run())
    return sim, line, seen, port, task


async def until(condition, timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.01)


@pytest.mark.parametrize("vendor", ["8a80", "kerong"])
def test_the_line_driver_polls_confirms_opens_and_sees_forced_stuck_and_silent(vendor):
    async def scenario():
        if vendor == "8a80":
            boards = {"lb-1": c8.Board(1, 24), "lb-2": c8.Board(2, 12)}
            framer, frames = c8.Framer({1: boards["lb-1"], 2: boards["lb-2"]}), Frames8A80()
        else:
            boards = {"lb-1": ck.Board(0, 16), "lb-2": ck.Board(1, 12)}
            framer, frames = ck.Framer({0: boards["lb-1"], 1: boards["lb-2"]}), FramesKerong()
        sim_boards = [SimBoard(b.address, b.locks, b) for b in boards.values()]
        sim_boards[0].open.add(2)  # a door left open before the daemon started
        sim, line, seen, port, task = await line_with(sim_boards, frames, boards, framer)
        a = sim_boards[0].address
        try:
            await until(lambda: len(seen.snapshots) == 2)
            assert seen.snapshots == {"lb-1": frozenset({2}), "lb-2": frozenset()}
            assert ("lb-1", True, None) in seen.boards
            assert await line.open("lb-1", 3) == "opened"
            assert ("lb-1", 3, True, True) in seen.doors  # ours: opened by our command
            assert sim_boards[0].opens == [3]
            sim.door(a, 3, "close")
            await until(lambda: ("lb-1", 3, False, False) in seen.doors)
            sim.door(a, 5, "force")
            await until(lambda: ("lb-1", 5, True, False) in seen.doors)  # not ours: forced
            sim.door(a, 7, "stick")
            assert await line.open("lb-1", 7) == "not_opened"
            assert not any(d[1] == 7 for d in seen.doors)
            assert line.round_s is not None and line.round_s < 1.0
            sim.condition(a, "silent")
            await until(lambda: ("lb-1", False, "no reply to 3 polls") in seen.boards)
            assert await line.open("lb-1", 4) == "offline"
            sim.condition(a, "ok")
            await until(lambda: seen.boards.count(("lb-1", True, None)) == 2)
            sim.condition(a, "garble")  # bad checksums are no answers either
            await until(lambda: seen.boards.count(("lb-1", False, "no reply to 3 polls")) == 2)
            assert ("lb-2", False, "no reply to 3 polls") not in seen.boards
        finally:
            task.cancel()
            port.close()
            sim.close()

    asyncio.run(scenario())


def test_the_8a80_simulator_reports_changes_when_the_board_does():
    async def scenario():
        board = c8.Board(1, 12)
        sim, _, seen, port, task = await line_with(
            [SimBoard(1, 12, board)], Frames8A80(reports=True), {"lb-1": board},
            c8.Framer({1: board}, reports=True))
        try:
            await until(lambda: "lb-1" in seen.snapshots)
            sim.door(1, 9, "force")
            await until(lambda: ("lb-1", 9, True, False) in seen.doors)
            assert seen.doors.count(("lb-1", 9, True, False)) == 1  # the report and the poll agree
        finally:
            task.cancel()
            port.close()
            sim.close()

    asyncio.run(scenario())


def test_hosted_boards_take_the_simulator_hosts_actions():
    from hallkit.drivers.lock_8a80.sim import hosted
    opts = SimpleNamespace(open_level="11", bitmask_order="high-first", reports=False)
    line = SimpleNamespace(devices=[SimpleNamespace(id="locker-1", address=1, options=opts,
                                                    config=SimpleNamespace(locks=24))], baud=9600, fmt="8N1")

    async def scenario():
        host = hosted(line)
        await host.start()
        try:
            done = await host.act("door", line.devices[0], {"lock": "7", "action": "force"})
            assert done == {"ok": True, "text": "locker-1: board 1 (ok): open 7"}
            with pytest.raises(ValueError, match="board 1 has locks 1-24, not 30"):
                await host.act("door", line.devices[0], {"lock": "30", "action": "close"})
            with pytest.raises(ValueError, match="no door action 'kick'"):
                await host.act("door", line.devices[0], {"lock": "3", "action": "kick"})
            silent = await host.act("board", line.devices[0], {"condition": "silent"})
            assert "(silent)" in silent["text"]
        finally:
            await host.close()

    asyncio.run(scenario())
