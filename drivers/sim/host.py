"""Runs the simulators a hall config needs and takes button presses over the bus.

For every ``sim://NAME`` line whose family has a simulator, a pty is opened and
its path written to ``STORAGE/run/sim/NAME.json``; daemons open that path like a
serial port. Commands on ``hall/<hall>/sim/main/cmd/<action>`` (ops only):
``press`` {device, key, data?} → {sends, led}; ``printer`` {device, condition} →
{condition, printed, lost, last}; ``show`` → {device: what it shows}. Simulated
printers listen on TCP (like port 9100) and draw their tickets as PNG files under
``STORAGE/sim/printer/<device>/``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import time

from pydantic import ValidationError

from hallkit.bus.client import BusClient, BusSettings
from hallkit.config.model import HallConfig
from hallkit.contract.envelope import ErrorBody, Reply, Request, Status
from hallkit.contract.topics import Topics
from hallkit.drivers.escpos.options import PAPER
from hallkit.drivers.escpos.sim import PrinterSim
from hallkit.drivers.ff68.codec import DEFAULT_KEYMAP
from hallkit.drivers.ff68.sim import KeypadBusSim
from hallkit.drivers.modbus_window.sim import DisplayLineSim
from hallkit.drivers.sim.lines import sim_runfile, simulated_lines, simulated_printers

log = logging.getLogger(__name__)
LED_SETTLE_S = 2.0  # how long a press waits for the LED to answer
SIMULATORS = {("keypad", "ff68"): KeypadBusSim, ("window_display", "modbus-window"): DisplayLineSim}


def _simulator_for(cfg: HallConfig, devices: dict[str, int]):
    dev = cfg.devices[next(iter(devices))]
    return SIMULATORS[dev.kind, dev.family](sorted(devices.values()))


class SimHost:
    def __init__(self, cfg: HallConfig, settings: BusSettings) -> None:
        self.cfg = cfg
        self.topics = Topics(cfg.hall.id, "sim")
        self.sims: dict[str, KeypadBusSim | DisplayLineSim] = {}
        self.device_line: dict[str, tuple[str, int]] = {}
        self.printers: dict[str, PrinterSim] = {}  # by device id
        self.bus = BusClient(settings, f"sim-{os.getpid()}", hall=cfg.hall.id,
                             will=(self.topics.status, self._status("offline")))
        self.bus.subscribe(self.topics.cmd("+"), self._on_command)
        self._stop = asyncio.Event()

    def _status(self, state: str) -> Status:
        return Status(state=state, ts=time.time(), pid=os.getpid())

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self._stop.set)
        for name, devices in simulated_lines(self.cfg).items():
            sim = _simulator_for(self.cfg, devices)
            await sim.start()
            self.sims[name] = sim
            for dev_id, addr in devices.items():
                self.device_line[dev_id] = (name, addr)
            self._announce(name, {"path": sim.path})
        for dev_id, name in simulated_printers(self.cfg).items():
            await self._start_printer(dev_id, name)
        await self.bus.connect()
        self.bus.publish(self.topics.status, self._status("online"), retain=True)
        log.info("simulating %d line(s) and %d printer(s): %s", len(self.sims), len(self.printers),
                 ", ".join([*self.sims, *self.printers]))
        try:
            await self._stop.wait()
        finally:
            for name, sim in self.sims.items():
                sim_runfile(self.cfg, name).unlink(missing_ok=True)
                closed = sim.close()
                if asyncio.iscoroutine(closed):
                    await closed
            for dev_id, printer in self.printers.items():
                sim_runfile(self.cfg, self.cfg.devices[dev_id].link.target).unlink(missing_ok=True)
                await printer.close()
            self.bus.publish(self.topics.status, self._status("offline"), retain=True)
            await self.bus.close()

    async def _start_printer(self, dev_id: str, name: str) -> None:
        width = PAPER.get(self.cfg.devices[dev_id].options.get("paper_width", 80))
        sim = PrinterSim(dev_id, self.cfg.storage_path / "sim" / "printer" / dev_id, paper_dots=width)
        port = await sim.serve_tcp()
        self.printers[dev_id] = sim
        self._announce(name, {"host": "127.0.0.1", "port": port})

    def _announce(self, name: str, where: dict) -> None:
        """Tell the daemons where ``sim://NAME`` listens (``lines.sim_endpoint`` reads it)."""
        runfile = sim_runfile(self.cfg, name)
        runfile.parent.mkdir(parents=True, exist_ok=True)
        runfile.write_text(json.dumps({**where, "pid": os.getpid()}))

    async def _on_command(self, topic: str, payload: bytes) -> None:
        action = topic.rsplit("/", 1)[-1]
        try:
            req = Request.model_validate_json(payload)
        except ValidationError as exc:
            log.warning("bad simulator command on %s: %s", topic, exc.errors()[0]["msg"])
            return
        try:
            data = await self._do(action, req.data)
            reply = Reply(id=req.id, status="ok", ts=time.time(), data=data)
        except (KeyError, ValueError) as exc:
            reply = Reply(id=req.id, status="error", ts=time.time(),
                          error=ErrorBody(code="bad_request", message=str(exc).strip("'\"")))
        self.bus.publish(self.topics.reply(action, req.client), reply, qos=0)

    async def _do(self, action: str, data: dict) -> dict:
        if action == "show":
            return {dev: self._shows(dev) for dev in sorted([*self.device_line, *self.printers])}
        if action == "printer":
            return self._printer(data.get("device"), data.get("condition"))
        if action != "press":
            raise ValueError(f"the simulator has no action {action!r}")
        device, key = data.get("device"), data.get("key")
        if device not in self.device_line or not isinstance(self.sims[self.device_line[device][0]],
                                                            KeypadBusSim):
            keypads = [d for d, (line, _) in self.device_line.items()
                       if isinstance(self.sims[line], KeypadBusSim)]
            raise KeyError(f"no simulated keypad {device!r}; there are "
                           f"{', '.join(sorted(keypads)) or 'none'}")
        if key not in DEFAULT_KEYMAP:
            raise ValueError(f"no key {key!r}; keys: {', '.join(DEFAULT_KEYMAP)}")
        name, addr = self.device_line[device]
        pad = self._pad(device)
        before = pad.led
        sends = await self.sims[name].press(addr, key, bytes.fromhex(data.get("data", "")))
        deadline = time.monotonic() + LED_SETTLE_S
        while pad.led == before and time.monotonic() < deadline and sends:
            await asyncio.sleep(0.02)
        return {"sends": sends, "led": pad.led}

    def _printer(self, device, condition) -> dict:
        if device not in self.printers:
            raise KeyError(f"no simulated printer {device!r}; there are "
                           f"{', '.join(sorted(self.printers)) or 'none'}")
        sim = self.printers[device]
        if condition is not None:
            sim.set_condition(condition)
        return {"condition": sim.condition, "printed": len(sim.tickets), "lost": sim.lost,
                "last": str(sim.pictures[-1]) if sim.pictures else None}

    def _pad(self, device: str):
        name, addr = self.device_line[device]
        return self.sims[name].keypads[addr]

    def _shows(self, device: str) -> str:
        """What a simulated device shows: a keypad's LED, a display's two lines, a printer's
        condition and last ticket."""
        if device in self.printers:
            p = self._printer(device, None)
            return f"[{p['condition']}] printed {p['printed']}, lost {p['lost']}, last {p['last']}"
        name, addr = self.device_line[device]
        sim = self.sims[name]
        if isinstance(sim, KeypadBusSim):
            return sim.keypads[addr].led
        screen = sim.screen(addr)
        return f"[{screen.mode}] {screen.line1} / {screen.line2}"
