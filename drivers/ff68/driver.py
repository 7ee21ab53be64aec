"""The host side of one FF 68 line: echo, de-duplicate, report keys; LEDs and beeps.

Bytes come from a transport (``feed``) and go out through ``write``; the
driver knows nothing of queues: accepted key presses go to ``on_key``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from hallkit.drivers.ff68 import codec
from hallkit.drivers.ff68.codec import Deduplicator, Frame, KeyPress, StreamDecoder, encode

log = logging.getLogger(__name__)


class KeypadLine:
    def __init__(self, write: Callable[[bytes], bool], on_key: Callable[[KeyPress], None], *,
                 now: Callable[[], float], keymap: dict[str, int] | None = None,
                 addresses: frozenset[int] | None = None) -> None:
        self.write = write
        self.on_key = on_key
        self.now = now
        self.keymap = keymap
        self.addresses = addresses  # the configured keypads; None: any (a bench line)
        self.decoder = StreamDecoder()
        self.dedup = Deduplicator()
        self.unknown = 0  # frames that are no key of this keymap
        self.strangers: dict[int, int] = {}  # frames from addresses no keypad here has, by address

    @property
    def errors(self):
        return self.decoder.errors

    def feed(self, data: bytes) -> None:
        for frame in self.decoder.feed(data):
            self._frame(frame)

    def _frame(self, frame: Frame) -> None:
        if self.addresses is not None and frame.addr not in self.addresses:
            # Not echoed: a keypad at an address nobody configured must not be told it was
            # heard (and two devices answering one address would garble the line).
            if frame.addr not in self.strangers:
                log.warning("frames from address %d, which no configured keypad has; not answered",
                            frame.addr)
            self.strangers[frame.addr] = self.strangers.get(frame.addr, 0) + 1
            return
        press = codec.key_press(frame, self.keymap)
        if press is None:
            self.unknown += 1
            log.debug("ignored frame %s from address %d", encode(frame).hex(" "), frame.addr)
            return
        self.write(encode(frame))  # the echo: the keypad stops resending
        if self.dedup.act(frame, press.key, self.now()):
            self.on_key(press)

    def show(self, addr: int, text: str) -> bool:
        return self.write(encode(codec.show(addr, text)))

    def beep(self, addr: int, count: int = 1) -> bool:
        return self.write(encode(codec.beep(addr, count)))

    def start_rating(self, addr: int) -> bool:
        return self.write(encode(codec.start_rating(addr)))
