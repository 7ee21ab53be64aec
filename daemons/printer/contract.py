"""The printer daemon: prints a ticket for every ``issued`` event that names a kiosk,
and says how each job ended, so the kiosk can tell the citizen at once."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from hallkit.config.model import DEVICE_ID_PATTERN as DEVICE
from hallkit.contract.envelope import Payload
from hallkit.contract.spec import Body, Command, Contract, EventTopic, StateTopic
from hallkit.drivers.escpos.status import PrinterCondition

Condition = PrinterCondition  # the driver's conditions are the contract's


class TestPrint(Body):
    printer: str | None = Field(None, max_length=48, pattern=DEVICE, description="printer device id")
    kiosk: str | None = Field(None, max_length=48, pattern=DEVICE,
                              description="or the kiosk whose printer to test")

    @model_validator(mode="after")
    def _one(self) -> TestPrint:
        if (self.printer is None) == (self.kiosk is None):
            raise ValueError("give exactly one of printer and kiosk")
        return self


class JobQueued(Body):
    job_id: int
    printer: str
    status: Condition = Field(description="the printer's condition when the job was queued")


class JobAccepted(Body):
    """A ticket the printer daemon took on: its ``printed`` or ``failed`` event follows, by
    ``expect_by`` at the latest (from the printer's own timing and the jobs before it)."""

    job_id: int
    printer: str
    kiosk: str
    ticket_id: str
    number: str
    expect_by: float = Field(description="epoch seconds: the word on this job comes before this")


class PrinterState(Payload):
    """Retained at ``hall/<hall>/printer/<device-id>/state``."""

    printer: str
    status: Condition
    detail: str = ""
    message_zh: str
    message_en: str
    since: float = Field(description="when the printer entered this condition")
    kiosks: list[str] = Field(description="kiosks that print on it")
    jobs_waiting: int = Field(description="jobs stored and not yet printed (or expired)")


class JobEvent(Body):
    """``printed`` and ``failed`` events; ``outcome`` says which failure it was. A failed job
    is over: it is never printed later on its own (queue `reprint` prints it again)."""

    job_id: int
    printer: str
    kiosk: str | None
    ticket_id: str | None = Field(None, description="null for a test page")
    number: str | None = None
    outcome: Literal["printed", "not_printed", "expired"]
    status: Condition
    message_zh: str
    message_en: str


COMMANDS = (
    Command("printer", "test", TestPrint, JobQueued, ("ops", "kiosk"),
            "Print a test page on a printer (or a kiosk's printer; a kiosk tests only its own, from "
            "its maintenance screen); the `printed` or `failed` event tells how it went. Refusals: "
            "`unknown_printer`, `unknown_kiosk`, `no_printer`.", own=("kiosk",)),
)
STATES = (
    StateTopic("printer", PrinterState, "A ticket printer's condition (ok, paper_near_end, "
               "paper_out, cover_open, feed_button, cutter_error, unrecoverable_error, offline, "
               "unreachable) and jobs waiting; its availability is "
               "offline while it does not answer.", "hall/<hall>/printer/<device-id>/state"),
)
EVENTS = (
    EventTopic("printer", "accepted", JobAccepted, "A kiosk's ticket is queued for its printer: "
               "the kiosk waits for `printed` or `failed` until `expect_by`, however slow the "
               "printer (status replies may take 500 ms each)."),
    EventTopic("printer", "printed", JobEvent, "A ticket (or test page) came out of the printer."),
    EventTopic("printer", "failed", JobEvent,
               "A job could not be printed (`not_printed`: the kiosk shows the number instead, and "
               "offers a reprint), or waited too long for its turn (`expired`). Published the "
               "moment the printer is found unable; the job is over either way."),
)
EXAMPLES = {("printer", "test"): {"kiosk": "kiosk-1"}}
CONTRACT = Contract(COMMANDS, STATES, EVENTS, EXAMPLES)
