"""The toy board's simulator: a real pty; a poked lock opens, and the board says so on the line."""

from __future__ import annotations

import os
import tty


class ToyLine:
    def __init__(self, line) -> None:
        self.line = line
        self.open: dict[int, set[int]] = {d.address: set() for d in line.devices}

    async def start(self) -> dict:
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        return {"path": os.ttyname(self.slave)}

    async def close(self) -> None:
        os.close(self.master)
        os.close(self.slave)

    def shows(self, device) -> str:
        return f"open: {sorted(self.open[device.address]) or 'none'}"

    async def act(self, action: str, device, args) -> dict:
        if not args["lock"].isdigit():
            raise ValueError(f"lock {args['lock']!r} is not a number")
        lock = int(args["lock"])
        self.open[device.address].add(lock)
        os.write(self.master, f"OPEN {device.address} {lock}\r\n".encode())
        return {"ok": True, "text": f"{device.id}: lock {lock} open ({device.options.open_ms} ms)",
                "detail": {"open": sorted(self.open[device.address])}}
