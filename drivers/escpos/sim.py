"""Simulated ESC/POS ticket printer on TCP (like port 9100) or a pty (like RS-232).

It answers DLE EOT as a printer in its current condition would (``ok``,
``paper_near_end``, ``paper_out``, ``cover_open``, ``offline``, or ``silent``:
takes bytes, never answers), and draws every cut ticket as a PNG at the
printer's real width. While it cannot print, what it is sent is lost, as on a
printer whose buffer is cleared by opening the cover.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
import tty
from collections.abc import Callable
from pathlib import Path

from hallkit.drivers.escpos.layout import DOTS_80MM
from hallkit.drivers.escpos.paper import PaperModel, Ticket
from hallkit.drivers.escpos.picture import draw
from hallkit.drivers.escpos.status import CONDITIONS as PRINTER_CONDITIONS
from hallkit.drivers.escpos.status import PRINTABLE, reply_for

log = logging.getLogger(__name__)
CONDITIONS = (*(c for c in PRINTER_CONDITIONS if c != "unreachable"), "silent")


class PrinterSim:
    def __init__(self, name: str, out_dir: Path | None = None, *, paper_dots: int = DOTS_80MM,
                 save_png: bool = True) -> None:
        self.name = name
        self.out_dir = out_dir
        self.paper_dots = paper_dots
        self.save_png = save_png and out_dir is not None
        self.condition = "ok"
        self.status_delay_s = 0.0  # how long it takes to answer DLE EOT (the protocol allows 0.5 s)
        self.tickets: list[Ticket] = []
        self.pictures: list[Path] = []
        self.lost = 0  # tickets sent while it could not print
        self.on_ticket: Callable[[Ticket, float], None] | None = None  # (ticket, arrival monotonic)
        self.on_picture: Callable[[Path], None] | None = None  # after a ticket's PNG is saved
        self.path: str | None = None  # pty mode: the port a driver opens
        self.port: int | None = None  # tcp mode
        self._writers: set[Callable[[bytes], None]] = set()
        self._server: asyncio.base_events.Server | None = None
        self._master: int | None = None
        self._slave: int | None = None

    def set_condition(self, condition: str) -> None:
        if condition not in CONDITIONS:
            raise ValueError(f"no printer condition {condition!r}; use one of {', '.join(CONDITIONS)}")
        self.condition = condition

    # -- the printer ---------------------------------------------------------------------
    def _model(self, reply: Callable[[bytes], None]) -> PaperModel:
        def on_status(n: int) -> None:
            value = reply_for(n, "unreachable" if self.condition == "silent" else self.condition)
            if value is not None and self.status_delay_s:
                asyncio.get_running_loop().call_later(self.status_delay_s, reply, bytes([value]))
            elif value is not None:
                reply(bytes([value]))

        return PaperModel(self._cut, on_status)

    def _cut(self, ticket: Ticket) -> None:
        arrived = time.monotonic()
        if self.condition not in PRINTABLE:
            self.lost += 1
            log.info("printer %s: %s, a ticket was lost", self.name, self.condition)
            return
        self.tickets.append(ticket)
        if self.on_ticket:
            self.on_ticket(ticket, arrived)
        if self.save_png:
            self.pictures.append(self.save(ticket))
            if self.on_picture:
                self.on_picture(self.pictures[-1])

    def save(self, ticket: Ticket) -> Path:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        first = next((r.text.strip() for r in ticket.rows if r.runs and r.runs[0].height >= 3), "")
        stem = f"{len(self.tickets):05d}" + (f"-{first}" if first.isalnum() and first.isascii() else "")
        path = self.out_dir / f"{stem}.png"
        draw(ticket, self.paper_dots).save(path)
        return path

    # -- TCP: a network printer ---------------------------------------------------------
    async def serve_tcp(self, host: str = "127.0.0.1", port: int = 0) -> int:
        self._server = await asyncio.start_server(self._client, host, port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        model = self._model(writer.write)
        self._writers.add(writer.close)
        try:
            while data := await reader.read(65536):
                model.feed(data)
        except (ConnectionError, OSError):
            pass
        finally:
            self._writers.discard(writer.close)
            writer.close()

    # -- pty: a serial printer ----------------------------------------------------------------
    def open_pty(self) -> str:
        self._master, self._slave = os.openpty()
        tty.setraw(self._master)
        tty.setraw(self._slave)
        os.set_blocking(self._master, False)
        self.path = os.ttyname(self._slave)
        model = self._model(lambda b: os.write(self._master, b))
        asyncio.get_running_loop().add_reader(self._master, self._pty_readable, model)
        return self.path

    def _pty_readable(self, model: PaperModel) -> None:
        try:
            data = os.read(self._master, 65536)
        except (BlockingIOError, OSError):
            return
        model.feed(data)

    # -- unplug ----------------------------------------------------------------------------------
    async def close(self) -> None:
        """Power off: stop listening and drop every connection."""
        if self._server:
            self._server.close()
            for close in list(self._writers):
                close()
            with contextlib.suppress(Exception):
                await self._server.wait_closed()
            self._server = None
        if self._master is not None:
            asyncio.get_running_loop().remove_reader(self._master)
            for fd in (self._master, self._slave):
                with contextlib.suppress(OSError):
                    os.close(fd)
            self._master = self._slave = None


class HostedPrinter:
    """The simulator host's face of one simulated printer: TCP like port 9100, tickets drawn
    under ``line.workdir``, condition set by ``hallctl sim printer DEVICE CONDITION``."""

    def __init__(self, line) -> None:
        (self.device,) = line.devices
        self.sim = PrinterSim(self.device.id, line.workdir / "printer" / self.device.id,
                              paper_dots=self.device.options.paper_dots)

    async def start(self) -> dict:
        return {"host": "127.0.0.1", "port": await self.sim.serve_tcp()}

    async def close(self) -> None:
        await self.sim.close()

    def shows(self, device) -> str:
        return self._report()["text"]

    async def act(self, action: str, device, args) -> dict:
        if args.get("condition"):
            self.sim.set_condition(args["condition"])
        return self._report()

    def _report(self) -> dict:
        sim = self.sim
        last = str(sim.pictures[-1]) if sim.pictures else None
        return {"ok": True, "text": f"[{sim.condition}] printed {len(sim.tickets)}, lost {sim.lost} "
                f"while it could not print, last ticket {last or '-'}",
                "detail": {"condition": sim.condition, "printed": len(sim.tickets), "lost": sim.lost,
                           "last": last}}

