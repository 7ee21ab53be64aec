"""Frames of resident ID card readers (SAM module, GA/T 467): pure bytes <-> messages.

    request  AA AA AA 96 69 · LEN(2, big-endian) · CMD · PARA · DATA… · CHK
    reply    AA AA AA 96 69 · LEN(2, big-endian) · SW1 SW2 SW3 · DATA… · CHK

LEN counts the bytes after itself, CHK included; CHK is the XOR of every byte from
the first LEN byte to the last one before CHK. The read reply carries the 256-byte
UTF-16LE text block and the 1024-byte photo (ignored: it needs the vendor's decoder).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import reduce

from hallkit.idnumbers import valid_id_number

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
HEAD = len(PREAMBLE) + 2  # preamble and LEN: then exactly LEN more bytes
MAX_REQUEST_LEN = 512
MAX_REPLY_LEN = 0x0508 + 64  # the read reply (1,288) and some room; longer is garbage

FIND, SELECT, READ = (0x20, 0x01), (0x20, 0x02), (0x30, 0x01)

# SW3 result codes
OK, FOUND, NO_CARD, SELECT_FAILED = 0x90, 0x9F, 0x80, 0x81
READ_FAILED, UNKNOWN_CARD = 0x41, 0x40
AUTH_FAILED = frozenset({0x31, 0x32, 0x33})
BAD_CHECKSUM, BAD_LENGTH, BAD_COMMAND, NOT_PERMITTED, UNRECOGNISED = 0x10, 0x11, 0x21, 0x23, 0x24
SAM_BROKEN = frozenset({0x60, 0x66})

TEXT_BYTES, PHOTO_BYTES = 256, 1024
DATE = re.compile(r"^(19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$")
LONG_TERM = "长期"


class FrameError(ValueError):
    """Bytes that are no frame: garbled, cut short, or a wrong checksum."""


class CardError(ValueError):
    """A card whose text cannot be taken: another card type, or fields that make no sense."""


class MisreadError(CardError):
    """The ID number fails its check digit: a misread, worth reading again."""


def xor(data: bytes) -> int:
    return reduce(lambda a, b: a ^ b, data, 0)


def _frame(body: bytes) -> bytes:
    length = (len(body) + 1).to_bytes(2, "big")
    return PREAMBLE + length + body + bytes([xor(length + body)])


def request(command: tuple[int, int], data: bytes = b"") -> bytes:
    if len(data) + 3 > MAX_REQUEST_LEN:
        raise FrameError(f"a request carries at most {MAX_REQUEST_LEN - 3} data bytes")
    return _frame(bytes(command) + data)


def reply(sw3: int, data: bytes = b"") -> bytes:
    """A reader's reply (the simulator's side)."""
    return _frame(bytes((0, 0, sw3)) + data)


def body_length(head: bytes) -> int:
    """From the 7-byte head, how many bytes follow; FrameError if it is no head."""
    if len(head) != HEAD or not head.startswith(PREAMBLE):
        raise FrameError(f"not a frame head: {head.hex(' ')}")
    length = int.from_bytes(head[5:7], "big")
    if not 3 <= length <= MAX_REPLY_LEN:
        raise FrameError(f"frame length {length} is out of range")
    return length


def _checked(frame: bytes) -> bytes:
    """The bytes between LEN and CHK of a whole frame, after checking both."""
    length = body_length(frame[:HEAD])
    if len(frame) != HEAD + length:
        raise FrameError(f"frame of {len(frame)} bytes, its LEN says {HEAD + length}")
    if xor(frame[5:-1]) != frame[-1]:
        raise FrameError(f"checksum {frame[-1]:02X} is wrong (expected {xor(frame[5:-1]):02X})")
    return frame[HEAD:-1]


@dataclass(frozen=True)
class Reply:
    sw3: int
    data: bytes = b""


def parse_reply(frame: bytes) -> Reply:
    body = _checked(frame)
    if len(body) < 3:
        raise FrameError("a reply has SW1 SW2 SW3")
    return Reply(body[2], body[3:])


def parse_request(frame: bytes) -> tuple[tuple[int, int], bytes]:
    """(CMD, PARA) and DATA of a request (the simulator's side)."""
    body = _checked(frame)
    if len(body) < 2:
        raise FrameError("a request has CMD and PARA")
    return (body[0], body[1]), body[2:]


def read_data(text: bytes, photo: bytes = bytes(PHOTO_BYTES)) -> bytes:
    """DATA of a read reply: the two lengths, the text block and the photo."""
    return len(text).to_bytes(2, "big") + len(photo).to_bytes(2, "big") + text + photo


def text_of(data: bytes) -> bytes:
    """The text block out of a read reply's DATA; FrameError if the lengths do not add up."""
    if len(data) < 4:
        raise FrameError("a read reply starts with the text and photo lengths")
    text_len, photo_len = int.from_bytes(data[0:2], "big"), int.from_bytes(data[2:4], "big")
    if len(data) != 4 + text_len + photo_len or text_len != TEXT_BYTES:
        raise FrameError(f"read reply of {len(data)} bytes with text {text_len} and photo {photo_len}")
    return data[4:4 + text_len]


# -- the text block ---------------------------------------------------------------------
FIELDS = {  # name: (offset, bytes)
    "name": (0, 30), "sex": (30, 2), "nation": (32, 4), "birth": (36, 16), "address": (52, 70),
    "id_number": (122, 36), "authority": (158, 30), "valid_from": (188, 16), "valid_to": (204, 16),
}
PERMIT_MARK = {"J": "a Hong Kong, Macao or Taiwan residence permit",
               "I": "a foreigner's permanent residence card"}
SEX = {"1": "男", "2": "女", "0": "unknown", "9": "not stated"}


@dataclass(frozen=True)
class Card:
    """What a resident ID card says (the photo left out)."""
    name: str
    sex: str
    nation: str
    birth: str
    address: str
    id_number: str
    authority: str
    valid_from: str
    valid_to: str  # YYYYMMDD, or 长期

    def expired(self, today: date) -> bool:
        return self.valid_to != LONG_TERM and self.valid_to < today.strftime("%Y%m%d")


def parse_text(block: bytes) -> Card:
    """The card's fields; CardError for another card type or a number whose check digit is
    wrong (a misread: read again)."""
    if len(block) != TEXT_BYTES:
        raise FrameError(f"the text block has {len(block)} bytes, not {TEXT_BYTES}")
    mark = block[248:250].decode("utf-16-le", "replace")
    if mark in PERMIT_MARK:
        raise CardError(f"{PERMIT_MARK[mark]}: its layout differs from a resident ID card's")
    try:
        fields = {name: block[at:at + size].decode("utf-16-le").rstrip(" ")
                  for name, (at, size) in FIELDS.items()}
    except UnicodeDecodeError as exc:
        raise FrameError(f"the text block is not UTF-16: {exc}") from None
    if not valid_id_number(fields["id_number"]):
        raise MisreadError("the ID number fails its check digit")  # no digits of it in any log
    bad = [name for name, ok in (
        ("name", 0 < len(fields["name"]) <= 15),
        ("birth", DATE.match(fields["birth"])),
        ("valid_to", fields["valid_to"] == LONG_TERM or DATE.match(fields["valid_to"]))) if not ok]
    if bad:
        raise CardError(f"unreadable field(s): {', '.join(bad)}")
    return Card(**fields)


def text_block(card: Card, mark: str = " ") -> bytes:
    """A card's 256-byte text block (the simulator's side); ``mark`` goes to byte 248."""
    out = bytearray(" ".encode("utf-16-le") * (TEXT_BYTES // 2))
    for name, (at, size) in FIELDS.items():
        raw = getattr(card, name).encode("utf-16-le")[:size]
        out[at:at + len(raw)] = raw
    out[248:250] = mark.encode("utf-16-le")
    return bytes(out)
