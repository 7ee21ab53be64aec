"""Every role × every command, generated from the contract: allowed or refused as declared.

The daemons run against a real broker without passwords, so every command reaches
them and the daemon's own check answers (with passwords the broker's ACL drops
most refused commands before that: tests/test_acl.py and test_bus_attacks.py).
"""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from hallkit.broker.acl import accounts
from hallkit.bus.client import BusClient
from hallkit.bus.settings import bus_settings, daemon_user
from hallkit.clock import SystemClock
from hallkit.config.load import load_config
from hallkit.contract import ROLES, commands, contracts
from hallkit.contract.topics import DAEMON_ID, Topics
from hallkit.drivers.sim.contract import SIM_COMPONENT
from hallkit.plugins import daemon_spec
from hallkit.plugins.family import load_attr
from hallkit.runtime.senders import Sender

from conftest import small_hall

EXTRA = '''
[devices.console-1]
kind = "console"
window = 1

[devices.board-1]
kind = "hall_board"

[devices.lcd-1]
kind = "window_display"
family = "mqtt-lcd"
link = "mqtt"
'''
# One user per role. A rating tablet and the simulator host cannot be in this hall's
# config (no rating family is driven yet; no simulated devices): the daemons are told
# about them the way the hall config would.
USERS = {"ops": "hallctl", "daemon": "daemon-keypad", "kiosk": "kiosk-1", "console": "console-1",
         "hall_board": "board-1", "window_display": "lcd-1", "rating": "rating-1",
         "simulator": "sim"}
ADDED = {"rating-1": Sender("rating-1", "rating"), "sim": Sender("sim", "simulator")}
DAEMONS = [name for name, contract in contracts().items()
           if name != SIM_COMPONENT and contract.commands]


def test_every_role_has_a_user_here():
    assert set(USERS) == {*ROLES, "simulator"}


def test_the_acl_lets_each_role_write_exactly_its_commands(tmp_path, write_config):
    cfg = load_config(write_config(small_hall(tmp_path / "var", auth=True, extra=EXTRA)))
    for acc in accounts(cfg):
        writes = {t for access, t in acc.rules if access == "write"}
        declared = {f"hall/t1/{c.component}/{DAEMON_ID}/cmd/{c.action}/{acc.user}"
                    for c in commands() if acc.role in c.senders}
        assert writes == declared, acc.user


def _data(cmd, role: str, example: dict, ticket: dict) -> dict:
    """The contract's example as this sender would send it: its own window, no kiosk it lacks."""
    data = dict(example)
    if "window" in data:
        data["window"] = 1  # console-1's window
    if "kiosk" in data and cmd.component == "queue":  # a ticket's kiosk: the sender's own or none
        if role == "kiosk":
            data["kiosk"] = "kiosk-1"
        else:
            del data["kiosk"]
    if cmd.action in ("cancel", "ticket"):
        data = {"ticket_id": ticket["ticket_id"], "secret": ticket["secret"]}
    return data


@pytest.fixture
def hall(tmp_path, broker, write_config):
    return load_config(write_config(small_hall(tmp_path / "var", port=broker.port, extra=EXTRA,
                                               all_day=True)))


@contextlib.asynccontextmanager
async def running(cfg):
    started = []
    for name in DAEMONS:
        cls = load_attr(daemon_spec(name).implementation)
        daemon = cls(cfg, clock=SystemClock(cfg.hall.timezone),
                     bus_settings=bus_settings(cfg, daemon_user(name)))
        daemon.commands.senders.update(ADDED)
        started.append((daemon, asyncio.create_task(daemon.run())))
    while not all(d._online for d, _ in started):
        for _, task in started:
            if task.done():
                task.result()
        await asyncio.sleep(0.01)
    try:
        yield
    finally:
        for daemon, task in started:
            daemon.request_stop()
            await asyncio.wait_for(task, 5)


def test_every_role_times_every_command(hall, run):
    async def scenario():
        results = {}
        clients = {role: BusClient(bus_settings(hall, user), f"t-{user}", hall="t1")
                   for role, user in USERS.items()}
        async with running(hall):
            for c in clients.values():
                await c.connect()
            ticket = (await clients["ops"].request(Topics("t1", "queue").cmd("issue"),
                                                   {"service": "BDC"})).data
            for name in DAEMONS:
                contract = contracts()[name]
                for cmd in contract.commands:
                    example = contract.examples[(cmd.component, cmd.action)]
                    for role, client in clients.items():
                        reply = await client.request(Topics("t1", name).cmd(cmd.action),
                                                     _data(cmd, role, example, ticket))
                        results[(name, cmd.action, role)] = reply
            for c in clients.values():
                await c.close()
        return results

    results = run(scenario(), timeout=120)
    wrong = []
    for name in DAEMONS:
        for cmd in contracts()[name].commands:
            for role in USERS:
                reply = results[(name, cmd.action, role)]
                refused = reply.status == "error" and reply.error.code == "forbidden"
                if refused == (role in cmd.senders):
                    wrong.append(f"{name} {cmd.action} from a {role}: {reply.status} "
                                 f"{reply.error.code + ': ' + reply.error.message if reply.error else ''}")
    assert not wrong, "\n".join(wrong)
