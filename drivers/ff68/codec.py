"""FF 68 keypad frames: pure bytes <-> messages (no I/O, no clocks).

    FF 68 L L 68 ADDR CMD DATA… CS 16
    L = 2 + len(DATA), sent twice; CS = (ADDR + CMD + sum(DATA)) & 0xFF

Keypads send key frames (CMD = key); the host echoes each accepted frame and
sends LED text, beeps and rating starts. See shared/protocols/caller-keypad-ff68.md.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

START = b"\xff\x68"
END = 0x16
MAX_DATA = 32  # longest DATA accepted; real frames carry at most 6 bytes
LED_WIDTH = 6

# Host commands (host -> keypad); they always carry DATA.
SHOW, BEEP, START_RATING = 0x02, 0x03, 0x04

# Default key codes (keypad -> host), by name.
DEFAULT_KEYMAP: dict[str, int] = {
    **{str(d): d for d in range(10)},
    "rate": 0x0B, "call": 0x0C, "recall": 0x0D, "clear": 0x0E, "confirm": 0x0F,
    "login": 0x10, "rating": 0x11, "pause": 0x12, "transfer": 0x13, "end": 0x14,
}
KEYS_WITH_DATA = frozenset({"confirm", "rating"})
NEVER_DEDUPLICATED = frozenset({*map(str, range(10)), "clear"})

# 确认 (confirm) carries what to do with the typed digits: each function byte is a key of
# the keypad vocabulary (hallkit.keypad) of its own.
CONFIRM_FUNCTIONS = {0x00: "hold", 0x03: "call_typed", 0x06: "no_show", 0x13: "transfer_typed"}


class FrameError(ValueError):
    pass


@dataclass(frozen=True)
class Frame:
    addr: int
    cmd: int
    data: bytes = b""

    def __post_init__(self) -> None:
        if not (0 <= self.addr <= 0xFF and 0 <= self.cmd <= 0xFF):
            raise FrameError(f"address and command are bytes: {self.addr}, {self.cmd}")
        if len(self.data) > MAX_DATA:
            raise FrameError(f"DATA of {len(self.data)} bytes is longer than {MAX_DATA}")


def checksum(addr: int, cmd: int, data: bytes) -> int:
    return (addr + cmd + sum(data)) & 0xFF


def encode(frame: Frame) -> bytes:
    length = 2 + len(frame.data)
    return (START + bytes((length, length, 0x68, frame.addr, frame.cmd)) + frame.data
            + bytes((checksum(frame.addr, frame.cmd, frame.data), END)))


@dataclass
class StreamDecoder:
    """Frames out of a byte stream that may carry garbage, cut frames and bad checksums.

    On anything wrong it drops one byte, looks for the next FF 68 and goes on; every
    dropped run or bad frame is counted in ``errors`` by kind.
    """

    buffer: bytearray = field(default_factory=bytearray)
    errors: Counter = field(default_factory=Counter)

    def feed(self, chunk: bytes) -> list[Frame]:
        self.buffer += chunk
        frames: list[Frame] = []
        buf = self.buffer
        while True:
            start = buf.find(START)
            if start < 0:
                keep = 1 if buf[-1:] == START[:1] else 0  # FF may begin the next frame
                if len(buf) > keep:
                    self.errors["garbage"] += 1
                    del buf[:len(buf) - keep]
                return frames
            if start:
                self.errors["garbage"] += 1
                del buf[:start]
            if len(buf) < 5:
                return frames
            length = buf[2]
            if buf[3] != length or buf[4] != 0x68 or not 2 <= length <= 2 + MAX_DATA:
                self._resync("header")
                continue
            total = 5 + length + 2
            if len(buf) < total:
                return frames  # the rest has not arrived yet
            body = bytes(buf[5:5 + length])
            if buf[total - 1] != END:
                self._resync("end")
                continue
            if buf[total - 2] != sum(body) & 0xFF:
                self._resync("checksum")
                continue
            frames.append(Frame(body[0], body[1], body[2:]))
            del buf[:total]

    def _resync(self, kind: str) -> None:
        self.errors[kind] += 1
        del self.buffer[:1]


# -- host commands -----------------------------------------------------------------
def show(addr: int, text: str) -> Frame:
    """LED text: 6 ASCII characters, right-aligned, space-padded."""
    if len(text) > LED_WIDTH or not text.isascii() or not text.isprintable():
        raise FrameError(f"the keypad LED shows up to {LED_WIDTH} printable ASCII characters, "
                         f"not {text!r}")
    return Frame(addr, SHOW, text.rjust(LED_WIDTH).encode("ascii"))


def beep(addr: int, count: int = 1) -> Frame:
    if not 1 <= count <= 9:
        raise FrameError(f"beep count {count} is not 1…9")
    return Frame(addr, BEEP, bytes((count,)))


def start_rating(addr: int) -> Frame:
    return Frame(addr, START_RATING, b"\x01")


# -- keys --------------------------------------------------------------------------
def check_keymap(keymap: dict[str, int]) -> list[str]:
    """Problems with a keymap from the hall config (empty when it is fine)."""
    problems = []
    for name, code in keymap.items():
        if name not in DEFAULT_KEYMAP:
            problems.append(f"unknown key {name!r}")
        elif not 0 <= code <= 0xFF:
            problems.append(f"key {name!r}: code {code} is not a byte")
        elif name in KEYS_WITH_DATA and code in (SHOW, BEEP, START_RATING):
            problems.append(f"key {name!r} carries data and may not use host command code "
                            f"{code:#04x}")
    codes = [c for c in {**DEFAULT_KEYMAP, **keymap}.values()]
    if len(codes) != len(set(codes)):
        problems.append("two keys share a code")
    return problems


@dataclass(frozen=True)
class KeyPress:
    addr: int
    key: str  # a name from DEFAULT_KEYMAP: the frame as the keypad sent it
    data: bytes = b""

    @property
    def name(self) -> str:
        """The key in the keypad vocabulary (hallkit.keypad): 确认 03 is ``call_typed``, …"""
        if self.key == "confirm" and self.data:
            return CONFIRM_FUNCTIONS.get(self.data[0], "confirm")
        return self.key

    @property
    def rating_level(self) -> int | None:
        if self.key == "rating" and self.data and 1 <= self.data[0] <= 5:
            return self.data[0]
        return None


def key_press(frame: Frame, keymap: dict[str, int] | None = None) -> KeyPress | None:
    """The key a keypad frame stands for, or None for an unknown code or host command."""
    codes = {code: name for name, code in {**DEFAULT_KEYMAP, **(keymap or {})}.items()}
    name = codes.get(frame.cmd)
    if name is None or (name in KEYS_WITH_DATA) != bool(frame.data):
        return None
    return KeyPress(frame.addr, name, frame.data)


@dataclass
class Deduplicator:
    """A resend is byte-identical to a press: act on it once within ``window_s``.

    Digits and clear are always acted on (a doubled digit is visible and harmless).
    Pure: the caller passes the time.
    """

    window_s: float = 1.5
    _last: dict[tuple[int, int, bytes], float] = field(default_factory=dict)

    def act(self, frame: Frame, key: str, now: float) -> bool:
        if key in NEVER_DEDUPLICATED:
            return True
        ident = (frame.addr, frame.cmd, frame.data)
        last = self._last.get(ident)
        if last is not None and now - last < self.window_s:
            return False
        self._last[ident] = now
        return True
