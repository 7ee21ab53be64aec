"""Lock boards sharing one line, as the locker daemon drives them (LockBoardPort): waits for
the line's port, opens it through the serial transport (which reopens an unplugged
adapter) and runs the line driver with the family's codec."""

from __future__ import annotations

import logging
from collections.abc import Callable

from hallkit.config.links import Link
from hallkit.config.model import HallConfig
from hallkit.drivers.lockboard.line import BoardLine
from hallkit.drivers.transport.serial_line import SerialLine
from hallkit.plugins import family
from hallkit.plugins.family import load_attr
from hallkit.runtime.device_lines import DeviceLine

log = logging.getLogger(__name__)


class LockBoardPort:
    def __init__(self, cfg: HallConfig, link: Link, members: dict[str, int | None], *,
                 on_board: Callable[[str, bool, str | None], None],
                 on_door: Callable[[str, int, bool, bool], None],
                 on_snapshot: Callable[[str, frozenset[int], frozenset[int] | None], None]) -> None:
        self.cfg = cfg
        fam = family(cfg.devices[next(iter(members))].family)
        codec = load_attr(fam.codec)
        self.boards = {dev: codec.board_for(addr, cfg.devices[dev].locks, cfg.options(dev))
                       for dev, addr in members.items()}
        framer = codec.framer_for({b.address: b for b in self.boards.values()},
                                  [cfg.options(dev) for dev in members])
        baud, fmt = fam.line_settings(link)
        self.device_line = DeviceLine(link.line_key, baud, fmt)
        self.on_board = on_board
        self.line = BoardLine(self._write, framer, self.boards, on_board=on_board, on_door=on_door,
                              on_snapshot=on_snapshot)
        self.serial: SerialLine | None = None

    def _write(self, data: bytes) -> bool:
        return self.serial is not None and self.serial.write(data)

    async def run(self) -> None:
        path = await self.device_line.wait_for_port(
            self.cfg, lambda: self._all(False, "simulator not running"))
        self.serial = SerialLine(path, baud=self.device_line.baud, fmt=self.device_line.fmt,
                                 on_bytes=self.line.feed,
                                 on_state=lambda up, why: None if up else self._all(False, why))
        await self.serial.open()
        try:
            await self.line.run()
        finally:
            self.serial.close()
            self.serial = None

    def _all(self, up: bool, why: str | None) -> None:
        for dev in self.boards:
            self.on_board(dev, up, why)

    async def open(self, device: str, lock: int, who: str, why: str) -> str:
        """Open one lock; every open is logged with who asked and why (the protocol's rule)."""
        log.info("open %s lock %d for %s: %s", device, lock, who, why)
        outcome = await self.line.open(device, lock)
        if outcome != "opened":
            log.warning("open %s lock %d: %s", device, lock, outcome.replace("_", " "))
        return outcome


