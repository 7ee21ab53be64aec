"""Runs the simulators a hall config needs and takes control commands over the bus.

For every simulated ``sim://NAME`` (see ``lines.simulators``) the family's simulator is
started; where it listens (a pty path, or a TCP port) is written to
``STORAGE/run/sim/NAME.json``, and daemons open that like a serial port or a
printer's address. Commands on ``hall/<hall>/sim/main/cmd/<action>/<user>`` (ops only):
``show`` → what every simulated device shows; each family's control actions
(``press``, ``printer``, …) with ``{"device": …, ARGS}``, carried out by the
device's simulator.
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
from hallkit.contract.topics import Topics, command_of
from hallkit.drivers.sim.contract import SIM_COMPONENT, SIM_USER, sim_contract
from hallkit.drivers.sim.lines import Simulated, sim_runfile, simulators
from hallkit.plugins.family import SimDevice, SimLine, Simulator, load_attr
from hallkit.runtime.senders import Refused, Sender, hall_senders, may_send

log = logging.getLogger(__name__)


class SimHost:
    def __init__(self, cfg: HallConfig, settings: BusSettings) -> None:
        self.cfg = cfg
        self.topics = Topics(cfg.hall.id, SIM_COMPONENT)
        self.running: dict[str, tuple[Simulated, Simulator]] = {}  # by sim name
        self.device_of: dict[str, tuple[str, SimDevice]] = {}  # device id → (sim name, device)
        self.commands = {c.action: c for c in sim_contract().commands}
        self.bus = BusClient(settings, SIM_USER, hall=cfg.hall.id,
                             will=(self.topics.status, Status.now("offline")))
        self.senders = hall_senders(cfg)
        self.bus.subscribe(self.topics.commands, self._on_command)
        self._stop = asyncio.Event()

    async def start(self) -> None:
        for sim in simulators(self.cfg):
            devices = tuple(SimDevice(d, getattr(self.cfg.devices[d], "address", None),
                                      self.cfg.options(d), self.cfg.devices[d]) for d in sim.devices)
            link = self.cfg.devices[sim.devices[0]].link
            baud, fmt = sim.family.line_settings(link)
            line = SimLine(sim.name, devices, baud, fmt, self.cfg.storage_path / "sim")
            simulator = load_attr(sim.family.simulator.factory)(line)
            self._announce(sim.name, await simulator.start())
            self.running[sim.name] = (sim, simulator)
            for device in devices:
                self.device_of[device.id] = (sim.name, device)
        log.info("simulating %d device(s) on %d simulator(s): %s", len(self.device_of),
                 len(self.running), ", ".join(self.running))

    async def close(self) -> None:
        for name, (_, simulator) in self.running.items():
            sim_runfile(self.cfg, name).unlink(missing_ok=True)
            await simulator.close()
        self.running.clear()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self._stop.set)
        await self.start()
        await self.bus.connect()
        self.bus.publish(self.topics.status, Status.now("online"), retain=True)
        try:
            await self._stop.wait()
        finally:
            await self.close()
            self.bus.publish(self.topics.status, Status.now("offline"), retain=True)
            await self.bus.close()

    def _announce(self, name: str, where: dict) -> None:
        """Tell the daemons where ``sim://NAME`` listens (``lines.sim_endpoint`` reads it)."""
        runfile = sim_runfile(self.cfg, name)
        runfile.parent.mkdir(parents=True, exist_ok=True)
        runfile.write_text(json.dumps({**where, "pid": os.getpid()}))

    async def _on_command(self, topic: str, payload: bytes) -> None:
        action, user = command_of(topic) or ("", "")
        try:
            req = Request.model_validate_json(payload)
        except ValidationError as exc:
            log.warning("bad simulator command on %s: %s", topic, exc.errors()[0]["msg"])
            return
        try:
            spec = self.commands.get(action)
            if spec is not None:  # an unknown action is answered by do()
                may_send(self.senders.get(user) or Sender(user, None), spec)
            data = await self.do(action, req.data)
            reply = Reply(id=req.id, status="ok", ts=time.time(), data=data)
        except ValidationError as exc:  # the request did not fit the action's arguments
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"]) or "(data)"
            reply = Reply(id=req.id, status="error", ts=time.time(),
                          error=ErrorBody(code="bad_request", message=f"{where}: {err['msg']}"))
        except Refused as exc:
            log.warning("refused simulator action %s from %s: %s", action, user, exc)
            reply = Reply(id=req.id, status="error", ts=time.time(),
                          error=ErrorBody(code="forbidden", message=str(exc)))
        except (KeyError, ValueError) as exc:  # the simulator's own sentence
            reply = Reply(id=req.id, status="error", ts=time.time(),
                          error=ErrorBody(code="bad_request", message=str(exc).strip("'\"")))
        except Exception:  # a simulator's bug: answered, logged, and the host goes on
            log.exception("simulator action %s failed", action)
            reply = Reply(id=req.id, status="error", ts=time.time(), error=ErrorBody(
                code="internal", message=f"the simulator failed on {action!r}; see the sim log"))
        self.bus.publish(self.topics.reply(action, user), reply, qos=0)

    async def do(self, action: str, data: dict) -> dict:
        spec = self.commands.get(action)
        if spec is None:
            raise ValueError(f"the simulators have no action {action!r}")
        args = spec.request.model_validate(data).model_dump()
        if action == "show":
            return {"devices": {dev: self._simulator(dev).shows(device)
                                for dev, (_, device) in sorted(self.device_of.items())}}
        device_id = self._built_in(args.pop("device"), action)
        simulator = self._simulator(device_id, action)
        answer = await simulator.act(action, self.device_of[device_id][1], args)
        try:
            return spec.reply.model_validate(answer).model_dump()
        except ValidationError:
            raise RuntimeError(f"the simulator answered {answer!r}, not {{ok, text, detail}}") from None

    def _built_in(self, device_id: str, action: str) -> str:
        """A kiosk stands for the device built into it that takes ``action``: `hallctl sim
        scan kiosk-1 …` scans at kiosk-1's scanner."""
        kiosk = self.cfg.devices.get(device_id)
        if kiosk is None or kiosk.kind != "kiosk":
            return device_id
        for part in (kiosk.printer, kiosk.scanner, kiosk.id_reader):
            if part in self.device_of and _offers(self.running[self.device_of[part][0]][0], action):
                return part
        return device_id

    def _simulator(self, device_id: str, action: str | None = None) -> Simulator:
        able = sorted(d for d, (name, _) in self.device_of.items()
                      if action is None or _offers(self.running[name][0], action))
        if device_id not in able:
            what = f"simulated device that takes {action!r}" if action else "simulated device"
            raise KeyError(f"no {what} {device_id!r}; there are {', '.join(able) or 'none'}")
        return self.running[self.device_of[device_id][0]][1]


def _offers(sim: Simulated, action: str) -> bool:
    return any(a.name == action for a in sim.family.simulator.actions)
