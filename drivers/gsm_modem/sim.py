"""A GSM modem on a pty for the tests: answers the AT commands a sender uses, takes
SMS-SUBMIT PDUs after ``AT+CMGS=<length>`` and keeps what arrives (long messages put back
together from their parts). ``condition`` makes it fail as real modems do: ``no_network``
(+CMS ERROR: 331), ``pin`` (a SIM waiting for its PIN), ``silent``.
"""

from __future__ import annotations

import contextlib
import os
import threading

from gsmmodem.pdu import Concatenation, decodeSmsPdu

from hallkit.drivers.sim.pty import SimPty


class ModemSim:
    def __init__(self, pin: str = "1234") -> None:
        self.pty = SimPty(blocking=True)
        self.path = self.pty.path
        self.pin, self.pin_entered = pin, False
        self.condition = "ok"
        self.echo = True
        self.received: list[tuple[str, str]] = []  # (number, whole text)
        self.commands: list[str] = []
        self._parts: dict[tuple[str, int], dict[int, str]] = {}
        self._pending: int | None = None  # the TPDU length after AT+CMGS=
        self._buffer = b""
        self._next_mr = 0
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._closed = False

    def start(self) -> ModemSim:
        self._thread.start()
        return self

    def close(self) -> None:
        self._closed = True
        self.pty.close()

    def _run(self) -> None:
        while not self._closed:
            try:
                data = os.read(self.pty.master, 4096)
            except OSError:
                return
            self._buffer += data
            self._take()

    def _write(self, text: str) -> None:
        with contextlib.suppress(OSError):
            os.write(self.pty.master, text.encode())

    def _take(self) -> None:
        while True:
            if self._pending is not None:
                end = min((i for i in (self._buffer.find(b"\x1a"), self._buffer.find(b"\x1b")) if i >= 0),
                          default=-1)
                if end < 0:
                    return
                body, cancelled = self._buffer[:end], self._buffer[end:end + 1] == b"\x1b"
                self._buffer = self._buffer[end + 1:]
                length, self._pending = self._pending, None
                if not cancelled:
                    self._submit(body.decode(errors="replace").strip(), length)
                continue
            end = self._buffer.find(b"\r")
            if end < 0:
                return
            line, self._buffer = self._buffer[:end], self._buffer[end + 1:]
            line = line.replace(b"\x1b", b"").decode(errors="replace").strip()  # ESC: no prompt to leave
            if line and self.condition != "silent":
                self._command(line)

    def _answer(self, *lines: str) -> None:
        self._write("".join(f"\r\n{line}\r\n" for line in lines))

    def _command(self, line: str) -> None:
        self.commands.append(line)
        if self.echo:
            self._write(line + "\r")
        upper = line.upper()
        if upper in ("AT", "AT+CMEE=1", "AT+CMGF=0"):
            self._answer("OK")
        elif upper == "ATE0":
            self.echo = False
            self._answer("OK")
        elif upper == "AT+CPIN?":
            ready = self.condition != "pin" or self.pin_entered
            self._answer(f"+CPIN: {'READY' if ready else 'SIM PIN'}", "OK")
        elif upper.startswith("AT+CPIN="):
            self.pin_entered = line.split("=", 1)[1].strip('"') == self.pin
            self._answer("OK" if self.pin_entered else "+CME ERROR: 16")  # incorrect password
        elif upper.startswith("AT+CMGS="):
            self._pending = int(line.split("=", 1)[1])
            self._write("\r\n> ")
        else:
            self._answer("ERROR")

    def _submit(self, hex_pdu: str, length: int) -> None:
        if self.condition == "no_network":
            self._answer("+CMS ERROR: 331")  # no network service
            return
        try:
            sms = decodeSmsPdu(hex_pdu)
        except Exception:
            self._answer("+CMS ERROR: 304")  # invalid PDU mode parameter
            return
        if sms["tpdu_length"] != length or sms["type"] != "SMS-SUBMIT":
            self._answer("+CMS ERROR: 304")
            return
        self._next_mr = (self._next_mr + 1) % 256
        self._answer(f"+CMGS: {self._next_mr}", "OK")
        part = next((ie for ie in sms.get("udh", []) if isinstance(ie, Concatenation)), None)
        if part is None:
            self.received.append((sms["number"], sms["text"]))
            return
        parts = self._parts.setdefault((sms["number"], part.reference), {})
        parts[part.number] = sms["text"]
        if len(parts) == part.parts:
            self.received.append((sms["number"], "".join(parts[n] for n in sorted(parts))))
            del self._parts[(sms["number"], part.reference)]
