"""A resident ID card reader on a pseudo-terminal, speaking the SAM frames.

The host opens ``path`` like the reader's serial port. A card is placed and lifted
with ``place()`` / ``lift()`` (``hallctl sim card reader-1 place|lift``); the reader
answers find, select and read as the protocol file says (find answers 9F for a
placed card until it has been read, then 80 until it is placed again), and takes
its time like a real one (the card field is slow). Faults on request: silence (the
reader is unplugged), one garbled reply, reads that fail while the card moves, a
misread ID number, another card type, a broken SAM.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from dataclasses import dataclass, field, replace

from hallkit.drivers.idcard_sam import codec
from hallkit.drivers.idcard_sam.codec import Card
from hallkit.drivers.sim.pty import SimPty
from hallkit.privacy import mask_name

# Sample cards (made-up people; numbers with correct check digits).
CARDS = {
    "zhang": Card(name="张三", sex="1", nation="01", birth="19900101", address="北京市东城区景山前街4号",
                  id_number="110101199001010031", authority="北京市公安局东城分局",
                  valid_from="20150301", valid_to="20350301"),
    "li": Card(name="李秀英", sex="2", nation="01", birth="19480512",
               address="湖南省长沙市芙蓉区五一大道100号", id_number="430102194805120023",
               authority="长沙市公安局芙蓉分局", valid_from="20100101", valid_to=codec.LONG_TERM),
    "expired": Card(name="王五", sex="1", nation="03", birth="19850620",
                    address="广西壮族自治区南宁市青秀区民族大道1号", id_number="450103198506200013",
                    authority="南宁市公安局青秀分局", valid_from="20050601", valid_to="20150601"),
}
FAULTS = ("silent", "garble", "moving", "misread", "sam", "none")
TIMING_S = {codec.FIND: 0.02, codec.SELECT: 0.02, codec.READ: 0.4}  # within the protocol's limits


@dataclass
class ReaderModel:
    """What the reader answers, without the line or its timing (the pty simulator and the
    tests' fake USB reader share it)."""

    card: Card | None = None
    mark: str = " "  # byte 248: "J" or "I" for the permits a resident-card reader cannot lay out
    selected: bool = False
    read_done: bool = False  # find answers 80 until the card is placed again
    fault: str = "none"
    garble_next: bool = False
    requests: list[tuple[int, int]] = field(default_factory=list)

    def place(self, card: Card, mark: str = " ") -> None:
        self.card, self.mark = card, mark
        self.selected = self.read_done = False

    def lift(self) -> None:
        self.card = None
        self.selected = self.read_done = False

    def set_fault(self, name: str) -> None:
        if name not in FAULTS:
            raise ValueError(f"no fault {name!r}; faults: {', '.join(FAULTS)}")
        self.fault = name
        self.garble_next = name == "garble"

    def command_of(self, frame: bytes) -> tuple[int, int] | None:
        """The command a request frame asks for (None if it is garbled)."""
        try:
            return codec.parse_request(frame)[0]
        except codec.FrameError:
            return None

    def answer(self, frame: bytes) -> bytes | None:
        """The reply to one request frame; None when the reader says nothing (unplugged)."""
        if self.fault == "silent":
            return None
        try:
            command, data = codec.parse_request(frame)
        except codec.FrameError:
            return codec.reply(codec.BAD_CHECKSUM)
        self.requests.append(command)
        out = self._reply(command, data)
        if self.garble_next:
            self.garble_next = False
            self.fault = "none"
            out = out[:-1] + bytes([out[-1] ^ 0xFF])  # a wrong checksum
        return out

    def _reply(self, command: tuple[int, int], data: bytes) -> bytes:
        if self.fault == "sam":
            return codec.reply(0x60)
        if data:
            return codec.reply(codec.BAD_LENGTH)
        if command == codec.FIND:
            if self.card is None or self.read_done:
                return codec.reply(codec.NO_CARD)
            return codec.reply(codec.FOUND, bytes(4))
        if command == codec.SELECT:
            if self.card is None or self.read_done:
                return codec.reply(codec.SELECT_FAILED)
            self.selected = True
            return codec.reply(codec.OK, bytes(8))
        if command == codec.READ:
            if self.card is None or not self.selected:
                return codec.reply(codec.NOT_PERMITTED)
            if self.fault == "moving":
                return codec.reply(codec.READ_FAILED)
            card = self.card
            if self.fault == "misread":  # one digit wrong: the check digit no longer fits
                self.fault = "none"
                n = card.id_number
                card = replace(card, id_number=n[:5] + str((int(n[5]) + 1) % 10) + n[6:])
            self.read_done = True
            return codec.reply(codec.OK, codec.read_data(codec.text_block(card, self.mark)))
        return codec.reply(codec.BAD_COMMAND)

    def shows(self) -> str:
        card = f"card of {mask_name(self.card.name)}" if self.card else "no card"
        return f"{card}{' (read)' if self.read_done else ''}; fault {self.fault}"


class IdReaderSim:
    """The reader on a pty, answering after the time a real one takes."""

    def __init__(self) -> None:
        self.pty = SimPty()
        self.master, self.path = self.pty.master, self.pty.path
        self.model = ReaderModel()
        self._buf = bytearray()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._busy = False

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._loop.add_reader(self.master, self._readable)

    def close(self) -> None:
        if self._loop:
            self._loop.remove_reader(self.master)
        self.pty.close()

    def _readable(self) -> None:
        try:
            data = os.read(self.master, 4096)
        except OSError:
            return
        self._buf += data
        while True:
            start = self._buf.find(codec.PREAMBLE)
            if start < 0:
                del self._buf[:-4]  # keep what may be the start of a preamble
                return
            del self._buf[:start]
            if len(self._buf) < codec.HEAD:
                return
            length = int.from_bytes(self._buf[5:7], "big")
            if not 3 <= length <= codec.MAX_REQUEST_LEN:
                del self._buf[:1]
                self._send(codec.reply(codec.BAD_LENGTH))
                continue
            if len(self._buf) < codec.HEAD + length:
                return  # the rest of the frame is still on its way
            frame = bytes(self._buf[:codec.HEAD + length])
            del self._buf[:codec.HEAD + length]
            if not self._busy:  # one request at a time: one sent while busy is ignored
                self._busy = True
                delay = TIMING_S.get(self.model.command_of(frame), 0.02)
                self._loop.call_later(delay, self._answer, frame)

    def _answer(self, frame: bytes) -> None:
        self._busy = False
        out = self.model.answer(frame)
        if out is not None:
            self._send(out)

    def _send(self, data: bytes) -> None:
        with contextlib.suppress(OSError):  # nobody has the port open: the bytes are lost
            os.write(self.master, data)


class HostedIdReader:
    """The simulator host's face of one reader: ``hallctl sim card reader-1 place zhang``."""

    def __init__(self, line) -> None:
        self.sim = IdReaderSim()

    async def start(self) -> dict:
        await self.sim.start()
        return {"path": self.sim.path}

    async def close(self) -> None:
        self.sim.close()

    def shows(self, device) -> str:
        return self.sim.model.shows()

    async def act(self, action: str, device, args) -> dict:
        if action == "card":
            what = args["what"]
            if what == "lift":
                self.sim.model.lift()
                return {"ok": True, "text": f"{device.id}: card lifted", "detail": {}}
            marks = {"permit": "J", "foreigner": "I"}
            card = CARDS.get(what) or (CARDS["zhang"] if what in marks else None)
            if card is None:
                raise ValueError(f"no sample card {what!r}; cards: {', '.join(CARDS)}, permit, "
                                 "foreigner, or lift")
            self.sim.model.place(card, marks.get(what, " "))
            return {"ok": True, "text": f"{device.id}: card of {mask_name(card.name)} placed",
                    "detail": {"card": what}}
        self.sim.model.set_fault(args["fault"])
        return {"ok": True, "text": f"{device.id}: fault {args['fault']}", "detail": {}}
