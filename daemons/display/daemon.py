"""Window displays follow the queue: calling (blinking) on the `called` event, then serving,
paused, closed, or the welcome text. Modbus RTU LED lines and MQTT LCD screens.

The blink belongs to the ticket being called now and to nothing else: a window state
that no longer serves it (ended, held, no-show, transferred, paused, logged out)
stops it at once. A screen is written when it changes, and again only for a recall
(the display restarts its blink)."""

from __future__ import annotations

import asyncio
import logging

from hallkit.contract.envelope import EventOf
from hallkit.contract.topics import Topics
from hallkit.daemons.display.lines import Display, displays_of
from hallkit.daemons.display.screens import screen_for
from hallkit.daemons.display.worker import LineWorker
from hallkit.daemons.queue.contract import CalledEvent, WindowState
from hallkit.drivers.modbus_window.codec import Screen
from hallkit.drivers.mqtt_lcd.codec import LcdScreen
from hallkit.runtime.daemon import Daemon, keep_running
from hallkit.runtime.device_lines import DeviceLine

log = logging.getLogger(__name__)


class DisplayDaemon(Daemon):
    name = "display"

    def __init__(self, cfg, **kw) -> None:
        super().__init__(cfg, **kw)
        self.lines, self.lcds = displays_of(cfg)
        self.workers: dict[str, LineWorker] = {}
        self.states: dict[int, WindowState] = {}
        self.called: dict[int, tuple[str, float]] = {}  # window -> (number, calling until)
        self.lcd_shown: dict[str, LcdScreen] = {}  # what each MQTT screen was last given
        self.bus.on(Topics(cfg.hall.id, "window", "+").state, WindowState, self._on_window_state)
        self.bus.on(Topics(cfg.hall.id, "queue").event("called"), EventOf[CalledEvent], self._on_called)

    async def start(self) -> None:
        self._tasks = [asyncio.create_task(self._keep(line)) for line in self.lines.values()]
        for display in self.lcds:
            self._availability(display.device_id, True, None)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _keep(self, line: DeviceLine[Display]) -> None:
        path = await line.wait_for_port(self.cfg, lambda: [
            self._availability(d.device_id, False, "simulator not running")
            for d in line.members.values()])

        async def run_worker() -> None:  # a fresh worker each time: no state from a failed one
            worker = LineWorker(line, path, self._availability)
            self.workers[line.key] = worker
            for d in line.members.values():
                self._refresh_display(d)
            await worker.run()

        await keep_running(f"display line {line.key}", run_worker)

    # -- queue -> screens ----------------------------------------------------------------
    def _on_called(self, topic: str, event: EventOf[CalledEvent]) -> None:
        window, number = event.data.window, event.data.number
        loop = asyncio.get_running_loop()
        for display in self._displays_of(window):
            until = loop.time() + display.blink_s
            self.called[window] = (number, until)
            loop.call_at(until, self._refresh, window)
        self._refresh(window, again=True)

    def _on_window_state(self, topic: str, state: WindowState) -> None:
        self.states[state.window] = state
        number, _ = self.called.get(state.window, ("", 0.0))
        serving = state.ticket.number if state.state == "serving" and state.ticket else None
        if number and serving != number:  # the call is over: never blink a ticket gone
            del self.called[state.window]
        self._refresh(state.window)

    def _displays_of(self, window: int) -> list[Display]:
        return [d for line in self.lines.values() for d in line.members.values()
                if d.window == window] + [d for d in self.lcds if d.window == window]

    def _refresh(self, window: int, again: bool = False) -> None:
        for display in self._displays_of(window):
            self._refresh_display(display, again)

    def _refresh_display(self, display: Display, again: bool = False) -> None:
        """Give the display its screen; ``again``: even if it shows it already (a recall)."""
        state = self.states.get(display.window)
        mode = state.state if state else "closed"
        ticket = state.ticket.number if state and state.ticket else None
        number, until = self.called.get(display.window, ("", 0.0))
        calling = bool(number) and asyncio.get_running_loop().time() < until
        if calling:  # the event is ahead of the retained state: show the called number now
            mode, ticket = "serving", number
        screen = screen_for(mode, ticket, display.label, calling=calling, blink_s=display.blink_s,
                            brightness=display.brightness, welcome=display.welcome)
        if display.address is None:
            self._publish_lcd(display, screen, again)
            return
        for line in self.lines.values():
            worker = self.workers.get(line.key)
            if worker and line.members.get(display.address) is display:
                worker.show(display.address, screen, again)

    def _publish_lcd(self, display: Display, screen: Screen, again: bool) -> None:
        lcd = LcdScreen(window=display.window, mode=screen.mode, line1=screen.line1,
                        line2=screen.line2, blink_s=screen.blink_s, brightness=screen.brightness)
        if self.lcd_shown.get(display.device_id) == lcd and not again:
            return
        self.lcd_shown[display.device_id] = lcd
        self.publish_retained(Topics(self.cfg.hall.id, "window_display", display.device_id).state, lcd)

    def _availability(self, device_id: str, up: bool, reason: str | None) -> None:
        self.publish_availability("window_display", device_id, up, reason)
