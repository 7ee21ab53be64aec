"""Topic names: ``hall/<hall>/<component>/<id>/<what>``.

component is a daemon's name (id ``main``) or a device kind (id = device id in
the hall config). <what> is one of status, availability, state, event/<name>,
cmd/<action>/<sender>, reply/<action>/<user>.

<sender> and <user> are the broker username of the client that sent the command
(and gets the reply): the broker's ACL lets each user write commands only under its
own name and read replies only under its own name, so a daemon learns who sent a
command from the topic, never from the payload.
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

    @property
    def setup(self) -> str:
        """A kiosk's own settings, retained by the hall daemon."""
        return f"{self.base}/setup"

    def event(self, name: str) -> str:
        return f"{self.base}/event/{name}"

    def event_to(self, name: str, user: str) -> str:
        """An addressed event: only ``user`` may read it (the ACL's %u pattern)."""
        return f"{self.base}/event/{name}/{user}"

    def cmd(self, action: str) -> str:
        """Where ``action`` is sent; a sender appends its own username (``BusClient.request``)."""
        return f"{self.base}/cmd/{action}"

    @property
    def commands(self) -> str:
        """The owner's subscription: every action from every sender."""
        return f"{self.base}/cmd/+/+"

    def reply(self, action: str, user: str) -> str:
        return f"{self.base}/reply/{action}/{user}"


def replies_for(hall: str, user: str) -> str:
    """The one subscription that brings a client every reply addressed to it."""
    return f"hall/{hall}/+/+/reply/+/{user}"


def command_of(topic: str) -> tuple[str, str] | None:
    """``hall/demo/queue/main/cmd/issue/kiosk-1`` → (``issue``, ``kiosk-1``)."""
    parts = split(topic)
    if parts is None or parts[3] != "cmd" or len(parts[4]) != 2 or not all(parts[4]):
        return None
    return parts[4][0], parts[4][1]


def split(topic: str) -> tuple[str, str, str, str, list[str]] | None:
    """``hall/demo/queue/main/cmd/issue`` → (hall, component, id, what, rest)."""
    parts = topic.split("/")
    if len(parts) < 5 or parts[0] != "hall":
        return None
    return parts[1], parts[2], parts[3], parts[4], parts[5:]
