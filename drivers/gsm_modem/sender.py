"""Sending an SMS through a modem's AT port (3GPP TS 27.005, PDU mode).

Each send opens the port, wakes the modem (AT, echo off, numeric errors), checks the SIM
(entering its PIN from a file if it asks), sets PDU mode and submits the message, split
into concatenated parts when it is longer than one (70 Chinese characters). Blocking: the
outbox calls it from a worker thread. A modem that is unplugged, silent, without network
or refusing raises ``SendError`` and the outbox tries again later.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import serial
from gsmmodem.pdu import encodeSmsSubmitPdu

CTRL_Z, ESC = b"\x1a", b"\x1b"
FINAL = re.compile(rb"\r\n(OK|ERROR|\+CM[ES] ERROR: ?[^\r]*)\r\n")
COMMAND_S = 3.0    # a plain AT command's answer
PIN_S = 10.0       # AT+CPIN= takes seconds on some modems
SIM_READY_S = 15.0  # after the PIN, until the SIM answers READY
SUBMIT_S = 120.0   # a message's submission waits for the network (Quectel's manuals: up to 120 s)


class SendError(Exception):
    pass


def international(phone: str) -> str:
    """A mainland mobile number (11 digits, 1…) in the form every modem routes: +86…."""
    return f"+86{phone}" if len(phone) == 11 and phone.startswith("1") else phone


class ModemSender:
    """``pin_file``: read when a SIM asks for its PIN (a missing file fails the SMS only)."""

    def __init__(self, port: str, baud: int = 115200, pin_file: Path | None = None) -> None:
        self.port, self.baud, self.pin_file = port, baud, pin_file
        self.pin_refused = False  # a wrong PIN is tried once: three lock the SIM (PUK)
        self._reference = int(time.time()) % 256  # a long message's parts share one

    def send(self, phone: str, text: str) -> str:
        try:  # exclusive: ModemManager or another program must not interleave its commands
            link = serial.Serial(self.port, self.baud, timeout=0.1, write_timeout=2, exclusive=True)
        except (serial.SerialException, OSError) as exc:
            raise SendError(f"modem {self.port}: {exc}") from None
        try:
            return self._send(link, phone, text)
        except (serial.SerialException, OSError) as exc:
            raise SendError(f"modem {self.port}: {exc}") from None
        finally:
            link.close()

    def _send(self, link: serial.Serial, phone: str, text: str) -> str:
        link.write(ESC + b"\r")  # leave a message prompt a cut-off send may have left open
        time.sleep(0.05)
        link.reset_input_buffer()
        self._wake(link)
        self._command(link, "ATE0")
        self._command(link, "AT+CMEE=1")
        self._sim_ready(link)
        self._command(link, "AT+CMGF=0")
        self._reference = (self._reference + 1) % 256
        refs = []
        for pdu in encodeSmsSubmitPdu(international(phone), text, reference=self._reference,
                                      requestStatusReport=False):
            link.write(f"AT+CMGS={pdu.tpduLength}\r".encode())
            prompt = self._read_until(link, lambda got: b">" in got or FINAL.search(got), COMMAND_S,
                                      "the message prompt")
            refused = FINAL.search(prompt)
            if refused and b">" not in prompt:
                raise SendError(f"AT+CMGS: {refused[1].decode(errors='replace')}")
            link.write(str(pdu).encode() + CTRL_Z)
            answer = self._final(link, SUBMIT_S, "AT+CMGS")
            found = re.search(rb"\+CMGS: ?(\d+)", answer)
            refs.append(found[1].decode() if found else "?")
        return f"+CMGS: {','.join(refs)}"

    def _wake(self, link: serial.Serial) -> None:
        for _ in range(3):  # the first AT after a while may go to autobauding
            link.write(b"AT\r")
            try:
                self._final(link, 1.0, "AT")
            except SendError:
                continue
            time.sleep(0.05)  # an answer to a stray byte before it must not pass for the next one's
            link.reset_input_buffer()
            return
        raise SendError(f"modem {self.port} does not answer AT")

    def _sim_ready(self, link: serial.Serial) -> None:
        answer = self._command(link, "AT+CPIN?")
        if b"READY" in answer:
            return
        state = re.search(rb"\+CPIN: ?([^\r]*)", answer)
        said = state[1].decode(errors="replace") if state else repr(answer[:40])
        if b"SIM PIN" not in answer or self.pin_file is None:
            raise SendError(f"the modem's SIM is not ready: {said!r}")
        if self.pin_refused:
            raise SendError("the SIM refused the PIN in pin_file once; not trying again (a third wrong "
                            "PIN would lock it): correct the file and restart the locker daemon")
        try:
            pin = self.pin_file.read_text().strip()
        except OSError as exc:
            raise SendError(f"the SIM asks for its PIN and {self.pin_file} cannot be read: {exc}") from None
        link.write(f'AT+CPIN="{pin}"\r'.encode())
        try:
            self._final(link, PIN_S, "AT+CPIN")
        except SendError:
            self.pin_refused = True
            raise
        deadline = time.monotonic() + SIM_READY_S
        while b"READY" not in self._command(link, "AT+CPIN?"):  # the SIM needs a moment after its PIN
            if time.monotonic() > deadline:
                raise SendError("the SIM took its PIN but is not ready")
            time.sleep(0.5)

    def _command(self, link: serial.Serial, command: str) -> bytes:
        link.write(command.encode() + b"\r")
        return self._final(link, COMMAND_S, command.split("=")[0])

    def _final(self, link: serial.Serial, timeout: float, what: str) -> bytes:
        answer = self._read_until(link, FINAL.search, timeout, f"an answer to {what}")
        status = FINAL.search(answer)[1]
        if status != b"OK":
            raise SendError(f"{what}: {status.decode(errors='replace')}")
        return answer

    def _read_until(self, link: serial.Serial, done, timeout: float, what: str) -> bytes:
        got = b""
        deadline = time.monotonic() + timeout
        while not done(got):
            if time.monotonic() > deadline:
                raise SendError(f"modem {self.port}: no {what} within {timeout:g} s")
            got += link.read(link.in_waiting or 1)
        return got
