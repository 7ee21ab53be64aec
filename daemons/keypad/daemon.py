"""Clerk keypads on their lines → queue commands; the answers and the window on the LED."""

from __future__ import annotations

import asyncio
import logging
import time

from hallkit.bus.client import BusTimeout
from hallkit.contract.topics import Topics
from hallkit.daemons.keypad.keys import QueueCommand, Show, StartRating, led_for
from hallkit.daemons.keypad.lines import HidPad, Pad, hid_pads, keypad_lines, line_keymap
from hallkit.daemons.queue.contract import QueueState, WindowState
from hallkit.drivers.ff68.codec import KeyPress
from hallkit.drivers.ff68.driver import KeypadLine
from hallkit.drivers.hid.keys import key_for
from hallkit.drivers.hid.reader import DeviceReader
from hallkit.drivers.transport.serial_line import SerialLine
from hallkit.runtime.daemon import Daemon
from hallkit.runtime.device_lines import DeviceLine

log = logging.getLogger(__name__)

RETRY_NOT_FOUND = ("not_found", "not_served_here", "wrong_state")  # try the next typed candidate
ANSWER_S = 3.0  # how long an answer stays on the LED before the window's view returns
PRESS_TTL_S = 3.0  # a press the queue has not acted on by then is dead: the LED said E-BUS


class KeypadDaemon(Daemon):
    name = "keypad"

    def __init__(self, cfg, **kw) -> None:
        super().__init__(cfg, **kw)
        self.lines = keypad_lines(cfg)
        self.hid = hid_pads(cfg)
        self.drivers: dict[str, KeypadLine] = {}
        self.ports: dict[str, SerialLine] = {}
        self._window_state: dict[int, WindowState] = {}
        self._waiting: dict[str, int] = {}
        self._answer_timers: dict[str, asyncio.TimerHandle] = {}  # keypads showing an answer
        self._sending: set[asyncio.Task] = set()
        self.bus.on(Topics(cfg.hall.id, "window", "+").state, WindowState, self._on_window_state)
        self.bus.on(Topics(cfg.hall.id, "queue").state, QueueState, self._on_queue_state)

    async def start(self) -> None:
        self._tasks = [asyncio.create_task(self._keep_open(line)) for line in self.lines.values()]
        for pad in self.hid:
            reader = DeviceReader(pad.path, lambda event, pad=pad: self._hid_key(pad, event),
                                  lambda up, why, pad=pad: self._pad_availability(pad.device_id, up, why))
            self._tasks.append(asyncio.create_task(reader.run()))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for timer in self._answer_timers.values():
            timer.cancel()
        for port in self.ports.values():
            port.close()

    # -- lines -------------------------------------------------------------------------
    async def _keep_open(self, line: DeviceLine[Pad]) -> None:
        """Open the line's port once it can be found (a simulator may start later)."""
        path = await line.wait_for_port(
            self.cfg, lambda: self._availability(line, False, "simulator not running"))
        # Resend timing is the hardware's real time, not the hall's business clock.
        driver = KeypadLine(lambda data: port.write(data), lambda press: self._key(line, press),
                            now=time.monotonic, keymap=line_keymap(self.cfg, line),
                            addresses=frozenset(line.members))
        port = SerialLine(path, baud=line.baud, fmt=line.fmt, on_bytes=driver.feed,
                          on_state=lambda up, why: self._line_state(line, up, why))
        self.drivers[line.key], self.ports[line.key] = driver, port
        await port.open()

    def _line_state(self, line: DeviceLine[Pad], up: bool, why: str) -> None:
        self._availability(line, up, None if up else why)
        if up:
            for pad in line.members.values():
                self._show_idle(line, pad)

    def _availability(self, line: DeviceLine[Pad], up: bool, reason: str | None) -> None:
        for pad in line.members.values():
            self._pad_availability(pad.device_id, up, reason)

    def _pad_availability(self, device_id: str, up: bool, reason: str | None) -> None:
        self.publish_availability("keypad", device_id, up, reason)

    def _hid_key(self, pad: HidPad, event) -> None:
        """A USB pad has no LED: its answers are logged; the clerk sees the window display."""
        key = key_for(event, pad.keymap)
        if key is None:
            return
        for step in pad.session.press(*key):
            if isinstance(step, QueueCommand):
                self._spawn(self._send(step, lambda show, pad=pad: log.info(
                    "%s: %s", pad.device_id, show.text)))

    # -- keys ----------------------------------------------------------------------------
    def _key(self, line: DeviceLine[Pad], press: KeyPress) -> None:
        pad = line.members.get(press.addr)
        if pad is None:
            log.warning("key from address %d, which no window's keypad has on %s", press.addr, line.key)
            return
        for step in pad.session.press(press.name, press.data):
            if isinstance(step, Show):
                self._show(line, pad, step)
            elif isinstance(step, StartRating):
                self.drivers[line.key].start_rating(pad.addr)
            elif isinstance(step, QueueCommand):
                self._spawn(self._send(step, lambda show, line=line, pad=pad: self._show(line, pad, show)))

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
    def _show(self, line: DeviceLine[Pad], pad: Pad, show: Show) -> None:
        driver = self.drivers.get(line.key)
        if driver is None:
            return
        driver.show(pad.addr, show.text)
        if show.beep:
            driver.beep(pad.addr, show.beep)
        # An answer stays up long enough to be read, then the idle view returns.
        timer = self._answer_timers.pop(pad.device_id, None)
        if timer:
            timer.cancel()
        self._answer_timers[pad.device_id] = asyncio.get_running_loop().call_later(
            ANSWER_S, self._answer_read, line, pad)

    def _answer_read(self, line: DeviceLine[Pad], pad: Pad) -> None:
        self._answer_timers.pop(pad.device_id, None)
        self._show_idle(line, pad)

    def _show_idle(self, line: DeviceLine[Pad], pad: Pad) -> None:
        """The window's ticket while serving, else how many wait for it."""
        driver = self.drivers.get(line.key)
        if driver is None or pad.session.typed:
            return
        state = self._window_state.get(pad.session.window)
        ticket = state.ticket.number if state and state.ticket else None
        text = ticket or str(self._waiting.get(str(pad.session.window), 0))
        driver.show(pad.addr, text[-6:])

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
        for line in self.lines.values():
            for pad in line.members.values():
                if which(pad):
                    self._show_idle(line, pad)
