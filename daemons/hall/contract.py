"""The hall daemon: the hall's directory (services, windows) and its notices.

UIs read the retained state instead of the config file, so a kiosk or a hall
board needs nothing but the bus.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from hallkit.contract.envelope import Payload
from hallkit.contract.spec import EVERYONE, Body, Command, Contract, StateTopic


class ServiceInfo(Body):
    code: str
    prefix: str
    name_zh: str
    name_en: str
    ask_id: Literal["no", "optional", "required"] = Field("no", description=(
        "whether a kiosk asks for the citizen's ID: never, as a choice, or always"))
    priority_classes: list[str] = Field(default_factory=list, description=(
        "priority lanes a kiosk may offer (elderly, disabled, military, green_channel)"))


class WindowInfo(Body):
    number: int
    label_zh: str
    label_en: str
    services: list[str]
    consoles: list[str] = Field(default_factory=list, description=(
        "clerk consoles (their device ids) that operate this window"))


class Notice(Body):
    id: int
    text_zh: str
    text_en: str | None = None
    until: float | None = Field(None, description="epoch seconds after which it is no longer shown")


class KioskSetup(Payload):
    """Retained at ``hall/<hall>/kiosk/<kiosk-id>/setup``, which that kiosk alone may read:
    its screen and timeouts from the hall config, so a kiosk PC needs no config file."""

    kiosk: str
    location: str | None = None
    screen: Literal["portrait", "landscape"]
    screen_width_mm: int
    idle_s: int
    elderly_idle_s: int
    printer: str | None = Field(None, description="its printer's device id")
    id_reader: str | None = Field(None, description="its ID card reader's device id")
    scanner: str | None = Field(None, description="its scanner's device id")
    has_maintenance_pin: bool = Field(False, description=(
        "a maintenance PIN is set (checked by the hall daemon: `maintenance-login`)"))
    speaker: bool = Field(False, description=(
        "the voice daemon says this kiosk's elderly-mode steps (`kiosk-say`) on its speaker"))


class BoardSetup(Payload):
    """Retained at ``hall/<hall>/hall_board/<board-id>/setup``: a hall board's screen from
    the hall config, so the TV's PC needs no config file."""

    board: str
    location: str | None = None
    screen: Literal["landscape", "portrait"]
    english: bool
    blink_s: int


class HallState(Payload):
    """Retained at ``hall/<hall>/hall/main/state``."""

    hall: str
    name_zh: str
    name_en: str
    open_now: bool = Field(description="inside today's opening hours")
    hours_today: list[str] = Field(default_factory=list, description=(
        "today's opening hours, e.g. ['08:30-12:00', '13:30-17:30']; empty: closed all day"))
    ticket_qr: str = Field("hallkit:ticket:{hall}:{ticket_id}:{secret}", description=(
        "what a ticket's QR code holds (the printer's [ticket] qr), for a kiosk to show the same"))
    services: list[ServiceInfo]
    windows: list[WindowInfo]
    notices: list[Notice]


class Ping(Body):
    """Ask the daemon to answer; used by health checks and the bus benchmark."""


class Pong(Body):
    ts: float
    uptime_s: float


class NoticeAdd(Body):
    text_zh: str = Field(min_length=1, max_length=200)
    text_en: str | None = Field(None, max_length=300)
    until: float | None = Field(None, description="epoch seconds; omit to keep it until removed")


class NoticeAdded(Body):
    notice_id: int


class NoticeRemove(Body):
    notice_id: int = Field(ge=1)


class NoticeRemoved(Body):
    removed: bool


class MaintenanceLogin(Body):
    kiosk: str | None = Field(None, max_length=48, description="the kiosk (a kiosk: itself)")
    pin: str = Field(pattern=r"^[0-9]{4,6}$", max_length=6)


class MaintenanceAnswer(Body):
    """Not a refusal when the PIN is wrong: the failure must be stored, and a refusal
    changes nothing."""

    outcome: Literal["ok", "wrong", "locked", "no_pin"]
    tries_left: int = 0
    locked_s: float = Field(0.0, description="how long the kiosk's maintenance stays locked")


COMMANDS = (
    Command("hall", "ping", Ping, Pong, EVERYONE,
            "Answer at once; health checks and the bus benchmark use it."),
    Command("hall", "notice-add", NoticeAdd, NoticeAdded, ("ops", "daemon"),
            "Add a notice to the hall board (公告). Refusals: `too_many` (20 are shown)."),
    Command("hall", "notice-remove", NoticeRemove, NoticeRemoved, ("ops", "daemon"),
            "Take a notice down."),
    Command("hall", "maintenance-login", MaintenanceLogin, MaintenanceAnswer, ("kiosk", "ops"),
            "A kiosk's maintenance PIN, checked here against the hall config (the hash never "
            "leaves the hall box); 5 wrong PINs lock that kiosk's maintenance for 5 min, each "
            "lock after that twice as long, across restarts.", own=("kiosk",), personal=True),
)
STATES = (StateTopic("hall", HallState, "The hall's services, windows and notices, for UIs."),
          StateTopic("hall", KioskSetup, "A kiosk's screen and timeouts, for that kiosk alone "
                     "(within its own topics, which no other client may read).",
                     "hall/<hall>/kiosk/<kiosk-id>/setup"),
          StateTopic("hall", BoardSetup, "A hall board's screen, for that board.",
                     "hall/<hall>/hall_board/<board-id>/setup"))
EXAMPLES = {
    ("hall", "ping"): {},
    ("hall", "notice-add"): {"text_zh": "今日下午14:00-15:00系统升级，暂停办理不动产登记",
                             "text_en": "Real estate registration paused 14:00-15:00 today",
                             "until": 1795413600.0},
    ("hall", "notice-remove"): {"notice_id": 3},
    ("hall", "maintenance-login"): {"pin": "2580"},
}
CONTRACT = Contract(COMMANDS, STATES, (), EXAMPLES)
