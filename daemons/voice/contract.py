"""What the voice daemon says on the bus: each call announced or dropped (and why), free
text to say, and where its sound goes."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from hallkit.contract.envelope import Payload
from hallkit.contract.spec import Body, Command, Contract, EventTopic, StateTopic

COMPONENT = "voice"


class Say(Body):
    text: str = Field(min_length=1, max_length=200, description=(
        "Chinese (read through pinyin) or English; said once, after the calls waiting"))


STEPS = ("home", "id", "checkin", "cases", "phone", "ticket", "refused")


class KioskSay(Body):
    """A step of a kiosk's elderly mode, said on that kiosk's own speaker. Fixed sentences
    only: a kiosk (a stolen one too) cannot make the hall's speakers say anything else."""

    kiosk: str | None = Field(None, max_length=48, description="the kiosk (a kiosk: itself)")
    step: Literal[STEPS] = Field(description=", ".join(STEPS))
    number: str | None = Field(None, pattern=r"^[A-Z]{0,2}[0-9]{1,5}$", max_length=7, description=(
        "the ticket's number (step ticket)"))
    ahead: int | None = Field(None, ge=0, le=999, description="people ahead (step ticket)")


class KioskSaid(Body):
    replaced: bool = Field(description="a step not yet said for this kiosk was dropped for this one")


class SayQueued(Body):
    waiting: int = Field(description="announcements before it")


class Spoken(Body):
    """An announcement said, or dropped instead of being said late."""

    outcome: Literal["spoken", "dropped"]
    reason: str | None = Field(None, description="why it was dropped")
    number: str | None = Field(None, description="the ticket called (none for free text)")
    window: int | None = None
    recall: int = 0
    called_at: float = Field(description="when the call (or the text) came")
    started_at: float | None = Field(None, description="when its first sample went out")
    seconds: float = 0.0
    file: str | None = Field(None, description="the WAV written, where there is no sound card")


class VoiceState(Payload):
    """Retained at ``hall/<hall>/voice/main/state``."""

    output: str = Field(description="alsa:DEVICE, or wav:FOLDER (and why)")
    clips: int
    recorded: list[str] = Field(default_factory=list, description="clips the hall recorded itself")
    spoken: int
    dropped: int
    waiting: int
    quiet: bool = Field(description="quiet hours now")
    summary: str = Field(description="one line for `hallctl status`")


COMMANDS = (
    Command(COMPONENT, "say", Say, SayQueued, ("ops", "daemon"),
            "Say a sentence through the hall's speakers (`hallctl voice test`)."),
    Command(COMPONENT, "kiosk-say", KioskSay, KioskSaid, ("kiosk", "ops"),
            "Say a step of a kiosk's elderly mode on that kiosk's speaker (`[devices.<kiosk>] "
            "speaker`), apart from the hall's calls; a newer step replaces one not yet said. "
            "Refusals: `no_speaker`.", own=("kiosk",), readonly=True),
)
STATES = (StateTopic(COMPONENT, VoiceState, "Where the sound goes, and what was said or dropped."),)
EVENTS = (EventTopic(COMPONENT, "spoken", Spoken, "Each announcement said or dropped, with its timing."),)
EXAMPLES = {(COMPONENT, "say"): {"text": "各位办事群众请注意，本中心将于17:30停止取号"},
            (COMPONENT, "kiosk-say"): {"step": "ticket", "number": "A012", "ahead": 3}}
CONTRACT = Contract(COMMANDS, STATES, EVENTS, EXAMPLES)
