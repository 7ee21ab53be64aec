"""A simulator's pseudo-terminal: raw (no line discipline: bytes pass as they are), the
simulator's end non-blocking, and ``path`` for the daemon to open like a serial port."""

from __future__ import annotations

import contextlib
import os
import tty


class SimPty:
    def __init__(self, blocking: bool = False) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        os.set_blocking(self.master, blocking)
        self.path = os.ttyname(self.slave)

    def close(self) -> None:
        for fd in (self.master, self.slave):
            with contextlib.suppress(OSError):
                os.close(fd)
