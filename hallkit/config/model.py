"""The hall config: what a technician writes in TOML, as pydantic models.

Every model forbids unknown keys so typos surface in `hallctl config check`.
Relations between sections (a window's services, a compartment's board) are
checked in ``crosscheck.py``.
"""

from __future__ import annotations

import itertools
import types
import typing
from datetime import time
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from hallkit.config.links import Link, parse_link

ID = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$")]
DEVICE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,47}$"  # also a broker username: no / + #
DEVICE_ID = Annotated[str, Field(pattern=DEVICE_ID_PATTERN)]
PRIORITY_CLASSES = ("elderly", "disabled", "military", "green_channel")
PriorityClass = Literal["elderly", "disabled", "military", "green_channel"]
LinkField = Annotated[Link, BeforeValidator(lambda v: v if isinstance(v, Link) else parse_link(v))]


class Strict(BaseModel):
    """Unknown keys refused; a number or a yes/no written as text is refused too (pydantic
    would read ``auth = "off"`` as false and ``daily_quota = "400"`` as 400)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _no_text_for_numbers(cls, data):
        if not isinstance(data, dict):
            return data
        for name, value in data.items():
            field = cls.model_fields.get(name)
            wants = _scalar_types(field.annotation) if field else set()
            if not wants or value is None:
                continue
            # The loader puts the error at ``name`` (a model validator cannot say the key).
            if isinstance(value, str):
                kind = "true or false" if wants - {type(None)} == {bool} else "a number"
                raise PydanticCustomError("wrong_scalar", "expected {kind}, not the text {value} "
                                          "(write it without quotes)",
                                          {"key": name, "kind": kind, "value": repr(value)})
            if wants - {type(None)} == {bool} and not isinstance(value, bool):
                raise PydanticCustomError("wrong_scalar", "expected true or false, not {value}",
                                          {"key": name, "value": repr(value)})
        return data


def _scalar_types(annotation) -> set[type]:
    """bool, int, float (and None) in an annotation such as ``int | None``; empty otherwise."""
    args = typing.get_args(annotation) if typing.get_origin(annotation) in (
        typing.Union, types.UnionType) else (annotation,)
    out = {a for a in args if a in (bool, int, float, type(None))}
    return out if len(out) == len(args) and out - {type(None)} else set()


def _parse_range(text: str) -> tuple[time, time]:
    try:
        start, end = (time.max if p.strip() == "24:00" else time.fromisoformat(p.strip())
                      for p in text.split("-"))
    except ValueError:
        raise ValueError(f"{text!r} is not a time range like '08:30-12:00'") from None
    if end <= start:
        raise ValueError(f"{text!r} ends before it starts")
    return start, end


TimeRange = Annotated[tuple[time, time], BeforeValidator(
    lambda v: _parse_range(v) if isinstance(v, str) else v)]


class OpeningHours(Strict):
    """Per weekday, the ranges the hall serves; an empty list means closed."""

    mon: list[TimeRange] = []
    tue: list[TimeRange] = []
    wed: list[TimeRange] = []
    thu: list[TimeRange] = []
    fri: list[TimeRange] = []
    sat: list[TimeRange] = []
    sun: list[TimeRange] = []

    @field_validator("*")
    @classmethod
    def _no_overlap(cls, ranges: list[tuple[time, time]]) -> list[tuple[time, time]]:
        ordered = sorted(ranges)
        for (_, end), (start, _) in itertools.pairwise(ordered):
            if start < end:
                raise ValueError("time ranges overlap")
        return ordered


class Hall(Strict):
    id: ID = Field(description="short id used in every MQTT topic, e.g. 'demo'")
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    timezone: str = "Asia/Shanghai"
    day_starts_at: time = Field(time(0, 0), description="when numbering and quotas reset")
    noon: time = Field(time(12, 0), description="where the morning quota ends")
    opening_hours: OpeningHours = OpeningHours()
    demo: bool = Field(False, description=(
        "a demo or test hall: without [[clerks]], any clerk number may log in at a window"))

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}, e.g. 'Asia/Shanghai'") from None
        return value


class QueueRules(Strict):
    """How a service's queue behaves; the defaults are what most halls use."""

    quota_am: int = Field(0, ge=0, description="tickets before noon; 0 = no half-day limit")
    quota_pm: int = Field(0, ge=0, description="tickets from noon on; 0 = no half-day limit")
    one_ticket_per_id: bool = Field(True, description="one open ticket per ID number per day")
    open_outside_hours: bool = Field(False, description="issue tickets when the hall is closed")
    priority_ratio: int = Field(3, ge=0, le=20, description=(
        "after a priority or appointment ticket, this many normal tickets are called "
        "(when they wait) before the next priority one; 0 = priority always first"))
    appointment_early_min: int = Field(30, ge=0, le=240, description="check-in opens this early")
    appointment_late_min: int = Field(15, ge=0, le=240, description="check-in closes this late")
    max_recalls: int = Field(2, ge=0, le=9, description="recalls allowed after the first call")
    no_show: Literal["drop", "requeue"] = Field("requeue", description="过号: void, or back in line")
    requeue_back: int = Field(3, ge=0, le=50, description="places back a no-show is requeued")
    requeue_max: int = Field(1, ge=0, le=5, description="how often a ticket may be requeued")
    default_service_min: float = Field(6.0, gt=0, le=120,
                                       description="assumed service time until there is history")


class Service(Strict):
    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]{0,15}$", description="e.g. 'BDC'")
    prefix: str = Field(pattern=r"^[A-Z]{1,2}$", description="ticket prefix, e.g. 'A' → A001")
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    daily_quota: int = Field(0, ge=0, description="tickets per day; 0 = no limit")
    ask_id: Literal["no", "optional", "required"] = Field("no", description=(
        "whether a kiosk asks for the citizen's ID card or number: never, as a choice, or always "
        "(the queue then refuses a ticket without one)"))
    priority_classes: list[PriorityClass] = list(PRIORITY_CLASSES)
    number_digits: int = Field(3, ge=2, le=5, description="A001 has 3")
    rules: QueueRules = QueueRules()


class Window(Strict):
    number: int = Field(ge=1, le=999)
    name_zh: str | None = None
    name_en: str | None = None
    services: list[str] = Field(min_length=1, description="service codes, in calling order")
    call_order: Literal["longest_wait", "service_order"] = Field(
        "longest_wait", description="next ticket: longest waiting of all, or first service first")
    keypad: str | None = None
    display: str | None = None
    rating: str | None = None

    @property
    def label_zh(self) -> str:
        return self.name_zh or f"{self.number}号窗口"

    @property
    def label_en(self) -> str:
        return self.name_en or f"Window {self.number}"


class _Wired(Strict):
    family: str
    link: LinkField
    address: int | None = None
    options: dict[str, str | int | float | bool | dict[str, str | int]] = {}
    location: str | None = None


class PrinterDevice(_Wired):
    kind: Literal["printer"]


class KeypadDevice(_Wired):
    kind: Literal["keypad"]


class WindowDisplayDevice(_Wired):
    kind: Literal["window_display"]


class RatingDevice(_Wired):
    kind: Literal["rating"]


class LockerBoardDevice(_Wired):
    kind: Literal["locker_board"]
    locks: int = Field(ge=1, le=64, description="how many locks this board drives")


class ScannerDevice(_Wired):
    kind: Literal["scanner"]


class IdReaderDevice(_Wired):
    """A resident ID card reader built into a kiosk."""

    kind: Literal["id_reader"]


class KioskDevice(Strict):
    """A self-service terminal running the PyQt kiosk; talks MQTT as itself."""

    kind: Literal["kiosk"]
    location: str | None = None
    printer: str | None = None
    scanner: str | None = None
    id_reader: str | None = None
    screen: Literal["portrait", "landscape"] = Field("portrait", description=(
        "1080×1920 upright (取号机) or 1920×1080 (a desk terminal)"))
    screen_width_mm: int = Field(268, ge=100, le=2000, description=(
        "the panel's visible width as mounted (21.5\" portrait: 268), for 15 mm touch targets"))
    idle_s: int = Field(60, ge=15, le=600, description="back to the start screen after this")
    elderly_idle_s: int = Field(120, ge=30, le=900, description="the same in elderly mode")
    speaker: str | None = Field(None, pattern=r"^(alsa:[A-Za-z0-9_:,=.-]{1,64}|wav)$", description=(
        "where the voice daemon says each step of elderly mode (请把身份证放在读卡器上, 您的号码是…): "
        "'alsa:DEVICE' for the kiosk's own speaker on the hall box's sound card, or 'wav' (files, "
        "for trying it); none: the kiosk stays silent"))
    maintenance_pin_hash: str | None = Field(None, pattern=(
        r"^pbkdf2_sha256\$[0-9]{4,7}\$[0-9a-f]{32}\$[0-9a-f]{64}$"), description=(
        "opens the maintenance screen (hold the top-left corner 5 s); make it with "
        "`hallctl clerk pin-hash`; without it the kiosk has no way out"))


class HallBoardDevice(Strict):
    """The hall's big screen (大厅综合屏), a TV running `hallctl board`; talks MQTT as itself."""

    kind: Literal["hall_board"]
    location: str | None = None
    screen: Literal["landscape", "portrait"] = Field("landscape", description=(
        "1920×1080 (a TV on the wall) or 1080×1920 (a standing screen)"))
    english: bool = Field(True, description="English under the Chinese")
    blink_s: int = Field(5, ge=0, le=30, description="how long a new call blinks")


class ConsoleDevice(Strict):
    """A clerk console (soft keypad) for a window without hardware."""

    kind: Literal["console"]
    window: int = Field(ge=1, le=999)


Device = Annotated[
    PrinterDevice | KeypadDevice | WindowDisplayDevice | RatingDevice | LockerBoardDevice
    | ScannerDevice | IdReaderDevice | KioskDevice | HallBoardDevice | ConsoleDevice,
    Field(discriminator="kind"),
]
WIRED_KINDS = ("printer", "keypad", "window_display", "rating", "locker_board", "scanner",
               "id_reader")


class CompartmentGroup(Strict):
    """A run of same-size compartments wired to consecutive locks of one board."""

    first: int = Field(ge=1, description="number of the first compartment, as printed on its door")
    count: int = Field(1, ge=1, le=64)
    board: str = Field(description="device id of the locker_board")
    first_lock: int = Field(ge=1, description="lock on the board that opens compartment `first`")
    size: Literal["S", "M", "L", "XL"]

    @property
    def numbers(self) -> range:
        return range(self.first, self.first + self.count)

    @property
    def locks(self) -> range:
        return range(self.first_lock, self.first_lock + self.count)


class Locker(Strict):
    id: ID
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    location: str | None = None
    compartments: list[CompartmentGroup] = Field(min_length=1)


class Clerk(Strict):
    id: str = Field(pattern=r"^[0-9A-Za-z]{1,16}$", description="the number typed at login")
    name_zh: str = Field(min_length=1)
    name_en: str | None = None
    pin_hash: str = Field(pattern=r"^pbkdf2_sha256\$[0-9]{4,7}\$[0-9a-f]{32}\$[0-9a-f]{64}$",
                          description="the clerk's PIN, hashed: make it with `hallctl clerk pin-hash`")


class Tls(Strict):
    ca: Path = Field(description="the hall CA: clients trust only a broker it signed")
    cert: Path | None = Field(None, description="a client certificate, where the broker asks for one")
    key: Path | None = None
    server_cert: Path | None = Field(None, description=(
        "on the hall box: the broker's certificate, for `hallctl broker acl` to write its TLS listener"))
    server_key: Path | None = None


class Bus(Strict):
    embedded: bool = Field(False, description="`hallctl up` starts mosquitto itself")
    host: str = "127.0.0.1"
    port: int = Field(1883, ge=0, le=65535, description="0: any free port (embedded only)")
    tls: Tls | None = None
    auth: bool = Field(True, description="per-client users and an ACL generated from this file")
    credentials_dir: Path = Field(Path("secrets"), description="relative to storage_dir")
    ops_socket: Path | None = Field(None, description=(
        "a broker you run yourself: its Unix socket listener for hallctl (see docs/bus.md); "
        "the embedded broker makes its own"))


class Privacy(Strict):
    keep_days: int = Field(90, ge=1, le=3650, description=(
        "days a ticket's or appointment's masked ID and phone number and their hashes are "
        "kept; then they are erased at the day's rollover (the tickets stay, for the figures)"))


class HallConfig(Strict):
    hall: Hall
    bus: Bus = Bus()
    storage_dir: Path = Field(Path("var"), description="relative to this file")
    services: list[Service] = Field(min_length=1)
    windows: list[Window] = []
    devices: dict[DEVICE_ID, Device] = {}
    lockers: list[Locker] = []
    clerks: list[Clerk] = Field([], description="if listed, only these may log in at a window")
    privacy: Privacy = Privacy()
    # Daemons add their own sections (e.g. the printer's [ticket]): hallkit.config.load
    # validates the file with this model extended by every installed daemon's section.

    # Set by the loader: where this config came from, for relative paths.
    _source: Path | None = PrivateAttr(None)

    def service(self, code: str) -> Service:
        return next(s for s in self.services if s.code == code)

    def window(self, number: int) -> Window:
        return next(w for w in self.windows if w.number == number)

    def devices_of(self, kind: str) -> dict[str, BaseModel]:
        return {k: d for k, d in self.devices.items() if d.kind == kind}

    def section(self, name: str) -> BaseModel:
        """A daemon's own config section, typed by the model the daemon declares (its
        defaults on a config built without hallkit.config.load, e.g. in a test)."""
        if name in type(self).model_fields:
            return getattr(self, name)
        from hallkit.plugins import daemons

        spec = next((d for d in daemons().values() if d.section == name and d.settings), None)
        if spec is None:
            raise KeyError(f"no installed daemon has a config section [{name}]")
        return spec.settings()

    def options(self, dev_id: str) -> BaseModel:
        """A wired device's options, typed by its family's model (config check validated them)."""
        from hallkit.plugins import family

        dev = self.devices[dev_id]
        return family(dev.family).options.model_validate(dev.options)

    @property
    def storage_path(self) -> Path:
        base = self._source.parent if self._source else Path.cwd()
        return (base / self.storage_dir).resolve()

    @property
    def credentials_path(self) -> Path:
        return self.storage_path / self.bus.credentials_dir
