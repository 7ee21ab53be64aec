"""Each kiosk's ID card reader and scanner: what they read goes to that kiosk alone.

The families' ports (hallkit.readers) turn the wire into cards and codes; this daemon
sends each to the kiosk the device is built into, as an addressed event only that
kiosk's broker user may read, and keeps each device's availability. A card's ID number
leaves this process only to its kiosk; nothing of it is logged or stored.
"""

from __future__ import annotations

import asyncio
import logging

from hallkit.contract.envelope import event_json
from hallkit.daemons.kiosk_devices.contract import COMPONENT, CardRead, CardRefused, Scanned
from hallkit.plugins import family
from hallkit.plugins.family import load_attr
from hallkit.privacy import mask_id, mask_name
from hallkit.readers import REFUSED, IdCard
from hallkit.runtime.daemon import Daemon, keep_running
from hallkit.runtime.device_lines import port_groups

log = logging.getLogger(__name__)


class KioskDevicesDaemon(Daemon):
    name = COMPONENT

    def __init__(self, cfg, **kw) -> None:
        super().__init__(cfg, **kw)
        self.kiosk_of: dict[str, str] = {}  # device id → the kiosk it is built into
        for kiosk_id, kiosk in cfg.devices_of("kiosk").items():
            for ref in (kiosk.id_reader, kiosk.scanner):
                if ref:
                    self.kiosk_of[ref] = kiosk_id
        self.ports = []
        for group in port_groups(cfg, sorted(self.kiosk_of)):
            kind = cfg.devices[next(iter(group.members))].kind
            port_cls = load_attr(family(group.family).driver)
            if kind == "id_reader":
                port = port_cls(cfg, group.link, group.members, self._card, self._refused,
                                self._state)
            else:
                port = port_cls(cfg, group.link, group.members, self._scan, self._state)
            self.ports.append((f"{group.family} {', '.join(group.members)}", port))
        self._tasks: list[asyncio.Task] = []

    async def start(self) -> None:
        self._tasks = [asyncio.create_task(keep_running(what, port.run)) for what, port in self.ports]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _state(self, device_id: str, up: bool, reason: str | None) -> None:
        self.publish_availability(self.cfg.devices[device_id].kind, device_id, up, reason)

    def _to_kiosk(self, device_id: str, name: str, data) -> bool:
        """Now or never: a card read while the bus is down must not reach the kiosk later,
        when the next citizen stands there (QoS 0, and nothing is queued while offline)."""
        if not self.bus.connected.is_set():
            log.warning("%s: the bus is down; what was read is dropped", device_id)
            return False
        self.bus.publish(self.topics.event_to(name, self.kiosk_of[device_id]),
                         event_json(data, self.clock.time()), qos=0)
        return True

    def _card(self, device_id: str, card: IdCard) -> None:
        if self._to_kiosk(device_id, "card", CardRead(
                device=device_id, id_number=card.id_number, id_masked=mask_id(card.id_number),
                name_masked=mask_name(card.name))):
            log.info("%s: an ID card was read; sent to %s", device_id, self.kiosk_of[device_id])

    def _refused(self, device_id: str, reason: str) -> None:
        log.info("%s: a placed card was refused (%s)", device_id, reason)
        zh, en = REFUSED[reason]
        self._to_kiosk(device_id, "card-refused", CardRefused(device=device_id, reason=reason,
                                                              zh=zh, en=en))

    def _scan(self, device_id: str, code: str) -> None:
        log.info("%s: a code of %d characters was scanned", device_id, len(code))
        self._to_kiosk(device_id, "scan", Scanned(device=device_id, code=code))

