"""Clerk keypads → queue commands; the answers and the window on the keypad's display.

Each keypad family's port (named by its declaration's ``driver``, see hallkit/keypad.py)
turns the wire into keys of the keypad vocabulary; this daemon gives them their
meaning per window, whatever the family.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from hallkit.bus.client import BusTimeout
from hallkit.contract.envelope import EventOf
from hallkit.contract.topics import Topics
from hallkit.daemons.keypad.keys import KeypadSession, QueueCommand, Show, StartRating, led_for
from hallkit.daemons.keypad.lines import keypad_windows, session_for
from hallkit.daemons.queue.contract import QueueState, WindowState
from hallkit.daemons.rating.contract import Ask
from hallkit.keypad import KeypadPort
from hallkit.plugins import family
from hallkit.plugins.family import load_attr
from hallkit.runtime.daemon import Daemon, keep_running
from hallkit.runtime.device_lines import port_groups

log = logging.getLogger(__name__)

RETRY_NOT_FOUND = ("not_found", "not_served_here", "wrong_state")  # try the next typed candidate
ANSWER_S = 3.0  # how long an answer stays on the LED before the window's view returns
PRESS_TTL_S = 3.0  # a press the queue has not acted on by then is dead: the LED said E-BUS


@dataclass
class Pad:
    device_id: str
    session: KeypadSession
    port: KeypadPort


class KeypadDaemon(Daemon):
    name = "keypad"

    def __init__(self, cfg, **kw) -> None:
        super().__init__(cfg, **kw)
        self.pads: dict[str, Pad] = {}
        self.ports: list[tuple[str, KeypadPort]] = []
        windows = keypad_windows(cfg)
        for group in port_groups(cfg, windows):  # each family's port class, from its declaration
            port = load_attr(family(group.family).driver)(cfg, group.link, group.members,
                                                          self._key, self._pad_state)
            self.ports.append((f"{group.family} keypads on {group.link.line_key}", port))
            for dev_id in group.members:
                self.pads[dev_id] = Pad(dev_id, session_for(cfg, windows[dev_id]), port)
        self._window_state: dict[int, WindowState] = {}
        self._waiting: dict[str, int] = {}
        self._answer_timers: dict[str, asyncio.TimerHandle] = {}  # keypads showing an answer
        self._sending: set[asyncio.Task] = set()
        self.bus.on(Topics(cfg.hall.id, "window", "+").state, WindowState, self._on_window_state)
        self.bus.on(Topics(cfg.hall.id, "queue").state, QueueState, self._on_queue_state)
        self.rating_pads = {dev_id for dev_id in self.pads
                            if getattr(cfg.options(dev_id), "rating_pad", False)}
        self.refused_levels = 0  # rating pad presses that were no level 1–5 (counted, never recorded)
        self.bus.on(Topics(cfg.hall.id, "rating").event("ask"), EventOf[Ask], self._on_rating_asked)

    async def start(self) -> None:
        self._tasks = [asyncio.create_task(keep_running(what, port.run)) for what, port in self.ports]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for timer in self._answer_timers.values():
            timer.cancel()

    def _pad_state(self, device_id: str, up: bool, reason: str | None) -> None:
        self.publish_availability("keypad", device_id, up, reason)
        if up and device_id in self.pads:
            self._show_idle(self.pads[device_id])

    # -- keys ----------------------------------------------------------------------------
    def _key(self, device_id: str, key: str, data: bytes) -> None:
        pad = self.pads.get(device_id)
        if pad is None:
            return
        if key == "rating" and device_id in self.rating_pads:  # CMD 11: the pad's level
            self._rated(pad, data)
            return
        for step in pad.session.press(key, data):
            if isinstance(step, Show):
                self._show(pad, step)
            elif isinstance(step, StartRating):
                pad.port.start_rating(device_id)
            elif isinstance(step, QueueCommand):
                self._spawn(self._send(step, lambda show, pad=pad: self._show(pad, show)))

    # -- the rating pad ---------------------------------------------------------------------
    def _on_rating_asked(self, topic: str, event: EventOf[Ask]) -> None:
        """The window's service ended: light its pad (not for a rating already closed, held
        over a reconnect)."""
        if event.data.expires_at <= self.clock.time():
            return
        for pad in self.pads.values():
            if pad.session.window == event.data.window and pad.device_id in self.rating_pads:
                pad.port.start_rating(pad.device_id)

    def _rated(self, pad: Pad, data: bytes) -> None:
        level = data[0] if len(data) == 1 else None
        if level is None or not 1 <= level <= 5:
            self.refused_levels += 1
            log.warning("%s: rating pad sent %s, not a level 1-5: ignored (%d so far)", pad.device_id,
                        data.hex() or "nothing", self.refused_levels)
            return
        self._spawn(self._rate(pad, level))

    async def _rate(self, pad: Pad, level: int) -> None:
        try:
            reply = await self.bus.request(Topics(self.cfg.hall.id, "rating").cmd("rate"),
                                           {"window": pad.session.window, "level": level},
                                           timeout=PRESS_TTL_S, ttl=PRESS_TTL_S)
        except BusTimeout:
            self._show(pad, Show("E-BUS", beep=2))
            return
        if reply.status == "ok":
            self._show(pad, Show("THANKS"))
        elif reply.error.code == "already_rated":  # one rating per service: the pad's second press
            self._show(pad, Show("RATED", beep=1))
        else:
            self._show(pad, Show("E-RAT", beep=2))

    def _spawn(self, coro) -> None:
        task = asyncio.ensure_future(coro)
        self._sending.add(task)
        task.add_done_callback(self._sent)

    def _sent(self, task: asyncio.Task) -> None:
        self._sending.discard(task)
        if not task.cancelled() and task.exception():
            log.error("a keypad command failed", exc_info=task.exception())

    async def _send(self, cmd: QueueCommand, show) -> None:
        reply = None
        for data in (cmd.data, *cmd.alternatives):
            try:
                reply = await self.bus.request(Topics(self.cfg.hall.id, "queue").cmd(cmd.action),
                                               data, timeout=PRESS_TTL_S, ttl=PRESS_TTL_S)
            except BusTimeout:
                show(Show("E-BUS", beep=2))
                return
            if reply.status == "ok" or reply.error.code not in RETRY_NOT_FOUND:
                break
        show(led_for(cmd.action, reply.status, reply.data, reply.error.code if reply.error else None))

    # -- the LED -------------------------------------------------------------------------
    def _show(self, pad: Pad, show: Show) -> None:
        pad.port.show(pad.device_id, show.text, show.beep)
        # An answer stays up long enough to be read, then the idle view returns.
        timer = self._answer_timers.pop(pad.device_id, None)
        if timer:
            timer.cancel()
        self._answer_timers[pad.device_id] = asyncio.get_running_loop().call_later(
            ANSWER_S, self._answer_read, pad)

    def _answer_read(self, pad: Pad) -> None:
        self._answer_timers.pop(pad.device_id, None)
        self._show_idle(pad)

    def _show_idle(self, pad: Pad) -> None:
        """The window's ticket while serving, else how many wait for it."""
        if pad.session.typed:
            return
        state = self._window_state.get(pad.session.window)
        ticket = state.ticket.number if state and state.ticket else None
        text = ticket or str(self._waiting.get(str(pad.session.window), 0))
        pad.port.show(pad.device_id, text[-6:])

    def _on_window_state(self, topic: str, state: WindowState) -> None:
        number = state.window
        before = self._window_state.get(number)
        changed = (before.ticket if before else None) != state.ticket
        self._window_state[number] = state
        if changed:
            self._refresh(lambda pad: pad.session.window == number
                          and pad.device_id not in self._answer_timers)

    def _on_queue_state(self, topic: str, state: QueueState) -> None:
        waiting = state.waiting_by_window
        changed = {w for w, n in waiting.items() if self._waiting.get(w) != n}
        self._waiting = waiting
        if changed:
            self._refresh(lambda pad: str(pad.session.window) in changed
                          and pad.device_id not in self._answer_timers)

    def _refresh(self, which) -> None:
        for pad in self.pads.values():
            if which(pad):
                self._show_idle(pad)
