"""The voice daemon's section of the hall config: ``[voice]``."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hallkit.config.model import TimeRange


class VoiceSettings(BaseModel):
    """How calls are announced (语音叫号)."""

    model_config = ConfigDict(extra="forbid")

    repeat: int = Field(2, ge=1, le=3, description="how many times the Chinese sentence is said")
    number_style: Literal["digits", "number"] = Field("digits", description=(
        "A012 read as A 零一二 (digits) or as A 十二 (number)"))
    english: bool = Field(False, description="an English sentence after the Chinese")
    recall_phrase: bool = Field(True, description="a recall starts 第二次呼叫 (second call), …")
    chime: bool = Field(True, description="a chime before each announcement")
    max_age_s: float = Field(20.0, ge=3, le=300, description=(
        "an announcement not begun this long after its call is dropped, not said late"))
    volume: float = Field(0.9, ge=0.0, le=1.0)
    quiet_hours: list[TimeRange] = Field(default_factory=list, description=(
        "e.g. ['12:00-13:30'] (lunch) or ['20:00-24:00', '00:00-07:00']: the quiet volume then"))
    quiet_volume: float = Field(0.4, ge=0.0, le=1.0)
    output: Literal["auto", "alsa", "wav"] = Field("auto", description=(
        "alsa: play through `aplay`; wav: write each announcement as a WAV file; auto: alsa when "
        "the box has a sound card"))
    alsa_device: str = Field("default", max_length=64, description="aplay -D DEVICE")
    recorded_dir: str | None = Field(None, description=(
        "a folder of recorded clips (qing.wav, hao.wav, 0.wav, …; `hallctl voice clips --list` "
        "names them) that win over the generated ones; relative to the config file"))
