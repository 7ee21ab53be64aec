"""Topic names: ``hall/<hall>/<component>/<id>/<what>``.

component is a daemon's name (id ``main``) or a device kind (id = device id in
the hall config). <what> is one of status, availability, state, event/<name>,
cmd/<action>, reply/<action>/<client>.
"""

from __future__ import annotations

from dataclasses import dataclass

DAEMON_ID = "main"


@dataclass(frozen=True)
class Topics:
    """Topic builder for one component."""

    hall: str
    component: str
    id: str = DAEMON_ID

    @property
    def base(self) -> str:
        return f"hall/{self.hall}/{self.component}/{self.id}"

    @property
    def status(self) -> str:
        return f"{self.base}/status"

    @property
    def availability(self) -> str:
        return f"{self.base}/availability"

    @property
    def state(self) -> str:
        return f"{self.base}/state"

    def event(self, name: str) -> str:
        return f"{self.base}/event/{name}"

    def cmd(self, action: str) -> str:
        return f"{self.base}/cmd/{action}"

    def reply(self, action: str, client: str) -> str:
        return f"{self.base}/reply/{action}/{client}"


def replies_for(hall: str, client: str) -> str:
    """The one subscription that brings a client every reply addressed to it."""
    return f"hall/{hall}/+/+/reply/+/{client}"


def split(topic: str) -> tuple[str, str, str, str, list[str]] | None:
    """``hall/demo/queue/main/cmd/issue`` → (hall, component, id, what, rest)."""
    parts = topic.split("/")
    if len(parts) < 5 or parts[0] != "hall":
        return None
    return parts[1], parts[2], parts[3], parts[4], parts[5:]
