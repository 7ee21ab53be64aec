"""Window LED displays sharing one RS-485 line, as the display daemon drives them
(hallkit.display.DisplayPort): waits for the line's port, then runs a line worker,
a fresh one after anything unforeseen."""

from __future__ import annotations

from collections.abc import Callable

from hallkit.config.links import Link
from hallkit.config.model import HallConfig
from hallkit.display import Publish, Screen
from hallkit.drivers.modbus_window.worker import LineWorker
from hallkit.plugins import family
from hallkit.runtime.daemon import keep_running
from hallkit.runtime.device_lines import DeviceLine


class ModbusDisplayPort:
    def __init__(self, cfg: HallConfig, link: Link, members: dict[str, int | None],
                 on_state: Callable[[str, bool, str | None], None], publish: Publish) -> None:
        self.cfg = cfg
        self.members = members
        self.on_state = on_state
        baud, fmt = family(cfg.devices[next(iter(members))].family).line_settings(link)
        self.line = DeviceLine(link.line_key, baud, fmt, {addr: dev for dev, addr in members.items()})
        self.worker: LineWorker | None = None
        self.wanted: dict[str, Screen] = {}  # for a fresh worker: what each display should show

    async def run(self) -> None:
        path = await self.line.wait_for_port(self.cfg, lambda: [
            self.on_state(dev, False, "simulator not running") for dev in self.members])

        async def run_worker() -> None:  # a fresh worker each time: no state from a failed one
            self.worker = LineWorker(self.line, path, self.on_state)
            for dev, screen in self.wanted.items():
                self.worker.show(self.members[dev], screen)
            await self.worker.run()

        await keep_running(f"display line {self.line.key}", run_worker)

    def bus_back(self) -> None:
        """The displays hold their screens themselves: nothing to redo."""

    def show(self, device_id: str, screen: Screen, again: bool = False) -> None:
        self.wanted[device_id] = screen
        if self.worker is not None:
            self.worker.show(self.members[device_id], screen, again)
