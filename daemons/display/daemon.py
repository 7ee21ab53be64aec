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
from hallkit.daemons.queue.contract import CalledEvent, WindowState
from hallkit.display import DisplayPort
from hallkit.plugins import family
from hallkit.plugins.family import load_attr
from hallkit.runtime.daemon import Daemon, keep_running
from hallkit.runtime.device_lines import port_groups

log = logging.getLogger(__name__)


class DisplayDaemon(Daemon):
    name = "display"

    def __init__(self, cfg, **kw) -> None:
        super().__init__(cfg, **kw)
        self.displays = displays_of(cfg)
        self.ports: list[tuple[str, DisplayPort]] = []
        self.port_of: dict[str, DisplayPort] = {}
        for group in port_groups(cfg, self.displays):  # each family's port, from its declaration
            port = load_attr(family(group.family).driver)(cfg, group.link, group.members,
                                                          self._availability, self.publish_retained)
            self.ports.append((f"{group.family} displays on {group.link.line_key}", port))
            self.port_of.update(dict.fromkeys(group.members, port))
        self.states: dict[int, WindowState] = {}
        self.called: dict[int, tuple[str, float]] = {}  # window -> (number, calling until)
        self.bus.on(Topics(cfg.hall.id, "window", "+").state, WindowState, self._on_window_state)
        self.bus.on(Topics(cfg.hall.id, "queue").event("called"), EventOf[CalledEvent], self._on_called)
        self.bus.on_connect(self._bus_back)

    async def start(self) -> None:
        # Screens follow the retained window states as they arrive: none is guessed before.
        self._tasks = [asyncio.create_task(keep_running(what, port.run)) for what, port in self.ports]

    def _bus_back(self) -> None:
        for _, port in self.ports:
            port.bus_back()
        for number in list(self.states):
            self._refresh(number)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

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
        return [d for d in self.displays.values() if d.window == window]

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
        self.port_of[display.device_id].show(display.device_id, screen, again)

    def _availability(self, device_id: str, up: bool, reason: str | None) -> None:
        self.publish_availability("window_display", device_id, up, reason)
