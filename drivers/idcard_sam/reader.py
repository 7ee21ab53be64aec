"""The host side of one ID card reader: poll find → select → read, once per placing.

Polls with find every 400 ms. A found card is selected and read; what it says goes
to ``on_card`` (checked: a permit of another layout, a misread number, an expired
card are reported to ``on_refused`` with a reason instead). After three polls with
no answer the reader is offline: it is polled every 2 s and back online on the first
good reply. Garbled replies are counted and asked again; the result codes are
handled as the protocol file says.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable
from datetime import date

from hallkit.drivers.idcard_sam import codec
from hallkit.drivers.idcard_sam.codec import Card, CardError, FrameError, Reply
from hallkit.runtime.log_budget import LogBudget

log = logging.getLogger(__name__)

POLL_S = 0.4
OFFLINE_POLL_S = 2.0
REPLY_TIMEOUT_S = 1.5  # the slow read included
SILENT_POLLS = 3
RETRIES = 2  # a garbled reply or a misread number is asked again this often

# Reasons given to on_refused: the kiosk says each in a sentence of its own.
HOLD_STILL, UNSUPPORTED, EXPIRED, MISREAD, FAILED = (
    "hold_still", "unsupported", "expired", "misread", "failed")


class CardReader:
    def __init__(self, link, *, on_card: Callable[[Card], None],
                 on_refused: Callable[[str, Card | None], None],
                 on_state: Callable[[bool, str | None], None],
                 today: Callable[[], date], poll_s: float = POLL_S) -> None:
        self.link = link
        self.on_card = on_card
        self.on_refused = on_refused
        self.on_state = on_state
        self.today = today
        self.poll_s = poll_s
        self.counts: Counter = Counter()  # garbled replies, failed reads, odd codes
        self.warn = LogBudget(log, per_minute=6)  # a wrong baud rate must not fill the disk
        self.online: bool | None = None
        self._silent = 0

    async def run(self) -> None:
        await self.link.open()
        try:
            while True:
                reply = await self._ask(codec.FIND)
                if reply is not None and reply.sw3 == codec.FOUND:
                    await self._take_card()
                elif reply is not None:
                    self._code(reply.sw3, "find")
                await asyncio.sleep(self.poll_s if self.online is not False else OFFLINE_POLL_S)
        finally:
            self.link.close()

    async def _take_card(self) -> None:
        reply = await self._ask(codec.SELECT)
        if reply is None or reply.sw3 != codec.OK:
            if reply is not None:
                self._code(reply.sw3, "select")
            return
        for _ in range(RETRIES + 1):
            reply = await self._ask(codec.READ)
            if reply is None or reply.sw3 == codec.NOT_PERMITTED:
                # The reader may count the card as read already: without a word the citizen
                # would wait at a reader that now answers "no card" until it is lifted.
                self.on_refused(FAILED, None)
                return
            if reply.sw3 != codec.OK:
                self._code(reply.sw3, "read")
                return
            try:
                card = codec.parse_text(codec.text_of(reply.data))
            except codec.MisreadError:  # the card is still selected: read it again
                self.counts["misread"] += 1
                self.warn.warning("an ID number failed its check digit; reading again")
                continue
            except CardError as exc:
                log.info("card refused: %s", exc)
                self.on_refused(UNSUPPORTED, None)
                return
            except FrameError as exc:
                self.counts["garbled"] += 1
                self.warn.warning("read reply unreadable: %s; reading again", exc)
                continue
            if card.expired(self.today()):
                self.on_refused(EXPIRED, card)
            else:
                self.on_card(card)
            return
        self.on_refused(MISREAD, None)

    async def _ask(self, command: tuple[int, int]) -> Reply | None:
        """The reply to ``command``, asked again after a garbled one; None after silence."""
        frame = codec.request(command)
        resent = False
        for _ in range(RETRIES + 1):
            try:
                raw = await self.link.transact(frame, REPLY_TIMEOUT_S)
                if raw is None:
                    self._no_answer()
                    return None
                reply = codec.parse_reply(raw)
            except FrameError as exc:
                self.counts["garbled"] += 1
                self.warn.warning("garbled reply to %02X %02X: %s; asking again", *command, exc)
                await self.link.drain()  # the rest of a long garbled reply must not lead the next
                continue
            self._silent = 0
            if reply.sw3 in codec.SAM_BROKEN:  # it answers, but can read no card
                self._set_online(False, f"the reader's SAM module is faulty (code {reply.sw3:02X})")
                return None
            self._set_online(True, None)
            if reply.sw3 == codec.BAD_CHECKSUM and not resent:  # our request arrived damaged:
                self.counts["request checksum"] += 1               # send it once more
                resent = True
                continue
            return reply
        self._no_answer()  # nothing but garbage: a wrong baud rate looks like silence
        return None

    def _code(self, sw3: int, step: str) -> None:
        """What a result code other than success means to the host."""
        if sw3 in (codec.NO_CARD, codec.SELECT_FAILED, codec.NOT_PERMITTED):
            return  # no card, or it went: poll on quietly
        if sw3 == codec.READ_FAILED:
            self.counts["card moved"] += 1
            self.on_refused(HOLD_STILL, None)
        elif sw3 == codec.UNKNOWN_CARD:
            self.on_refused(UNSUPPORTED, None)
        elif sw3 in codec.AUTH_FAILED or sw3 == codec.UNRECOGNISED:
            self.counts[f"{step} failed {sw3:02X}"] += 1
            if step == "read":  # a card was there; on find or select: poll on quietly
                self.on_refused(FAILED, None)
        elif sw3 in (codec.BAD_LENGTH, codec.BAD_COMMAND):
            log.error("the reader refused our %s request as malformed (code %02X): a hallkit bug",
                      step, sw3)
        else:
            self.counts[f"code {sw3:02X}"] += 1
            self.warn.warning("unexpected result code %02X to %s", sw3, step)

    def _no_answer(self) -> None:
        self._silent += 1
        if self._silent >= SILENT_POLLS:
            self._set_online(False, f"no answer to {self._silent} requests")

    def _set_online(self, up: bool, reason: str | None) -> None:
        if self.online != up:
            (log.info if up else log.error)("ID card reader %s%s", "online" if up else "offline",
                                            f" ({reason})" if reason else "")
            self.online = up
            self.on_state(up, reason)
