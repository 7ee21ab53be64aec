"""A serial scanner on a pseudo-terminal: ``hallctl sim scan kiosk-1 YY0123`` sends the code
as the scanner would, a CR-ended line."""

from __future__ import annotations

import os

from hallkit.drivers.scanner_serial.codec import encode
from hallkit.drivers.sim.pty import SimPty


class ScannerSim:
    def __init__(self) -> None:
        self.pty = SimPty(blocking=True)
        self.path = self.pty.path
        self.last = ""

    def scan(self, code: str) -> None:
        os.write(self.pty.master, encode(code))
        self.last = code

    def close(self) -> None:
        self.pty.close()


class HostedScanner:
    def __init__(self, line) -> None:
        self.sim = ScannerSim()

    async def start(self) -> dict:
        return {"path": self.sim.path}

    async def close(self) -> None:
        self.sim.close()

    def shows(self, device) -> str:
        return f"last scanned {self.sim.last!r}" if self.sim.last else "nothing scanned yet"

    async def act(self, action: str, device, args) -> dict:
        code = args["code"]
        if not code.isascii() or not code.isprintable() or not 0 < len(code) <= 256:
            raise ValueError("a scanned code is 1-256 printable ASCII characters")
        self.sim.scan(code)
        return {"ok": True, "text": f"{device.id}: scanned {code!r}", "detail": {"code": code}}
