"""The clip bank: one short WAV per word, made once by espeak-ng and sox (or recorded by the
hall, which then wins), put together with the standard ``wave`` module per announcement."""

from __future__ import annotations

import io
import logging
import math
import shutil
import subprocess
import tempfile
import wave
from array import array
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from hallkit.daemons.voice.phrases import clip_texts

log = logging.getLogger(__name__)

RATE, WIDTH, CHANNELS = 16000, 2, 1  # 16 kHz mono 16-bit: speech, and small
GAP_S = 0.04          # between two words
PAUSES = {"pause_short": 0.25, "pause_long": 0.6}
SPEED_WPM = 150       # espeak-ng's default 175 runs the digits together


class ClipError(Exception):
    """A clip is missing or unreadable, or the tools to make them are not installed."""


def clip_names() -> list[str]:
    return ["chime", *clip_texts()]


def chime_pcm() -> bytes:
    """Ding-dong: two soft bell tones (E5, C5) with a fading ring."""
    out = array("h")
    for freq, length in ((659.25, 0.45), (523.25, 0.7)):
        n = int(RATE * length)
        for i in range(n):
            t = i / RATE
            envelope = min(1.0, t / 0.01) * math.exp(-4.0 * t)
            tone = math.sin(2 * math.pi * freq * t) + 0.3 * math.sin(4 * math.pi * freq * t)
            out.append(int(12000 * envelope * tone))
    return out.tobytes()


def tools() -> tuple[str, str]:
    espeak, sox = shutil.which("espeak-ng"), shutil.which("sox")
    if not espeak or not sox:
        raise ClipError("espeak-ng and sox are needed to make the voice clips "
                        "(apt-get install espeak-ng sox; scripts/bootstrap installs them)")
    return espeak, sox


def to_format(sox: str, source: Path, target: Path, trim: bool = False) -> None:
    """``source`` as 16 kHz mono 16-bit PCM; ``trim``: without the silence around it."""
    effects = ["silence", "1", "0.02", "0.5%", "reverse", "silence", "1", "0.02", "0.5%", "reverse"] \
        if trim else []
    subprocess.run([sox, str(source), "-r", str(RATE), "-c", str(CHANNELS), "-b", "16", "-e",
                    "signed-integer", str(target), *effects], check=True, capture_output=True, timeout=30)


def speak_to(espeak: str, sox: str, voice: str, text: str, target: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.wav"
        subprocess.run([espeak, "-v", voice, "-s", str(SPEED_WPM), "-w", str(raw), text],
                       check=True, capture_output=True, timeout=30)
        to_format(sox, raw, target, trim=True)


def build(folder: Path, force: bool = False) -> list[str]:
    """Make the clips ``folder`` lacks (all of them with ``force``); returns those made."""
    folder.mkdir(parents=True, exist_ok=True)
    todo = {name: spec for name, spec in clip_texts().items()
            if force or not (folder / f"{name}.wav").is_file()}
    if force or not (folder / "chime.wav").is_file():
        write_wav(folder / "chime.wav", chime_pcm())
    if todo:
        espeak, sox = tools()
        with ThreadPoolExecutor(4) as pool:  # espeak-ng and sox are processes: run a few at once
            list(pool.map(lambda item: speak_to(espeak, sox, item[1][0], item[1][1],
                                                folder / f"{item[0]}.wav"), todo.items()))
    return sorted(todo)


def write_wav(path: Path, pcm: bytes) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(CHANNELS)
        w.setsampwidth(WIDTH)
        w.setframerate(RATE)
        w.writeframes(pcm)


def wav_bytes(pcm: bytes) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(CHANNELS)
        w.setsampwidth(WIDTH)
        w.setframerate(RATE)
        w.writeframes(pcm)
    return buf.getvalue()


def read_pcm(path: Path) -> bytes:
    """A clip's samples; a recorded clip in another format (another rate, stereo, the
    extensible WAV header many editors write) is converted by sox first."""
    try:
        with wave.open(str(path), "rb") as w:
            if (w.getframerate(), w.getsampwidth(), w.getnchannels()) == (RATE, WIDTH, CHANNELS):
                return w.readframes(w.getnframes())
    except wave.Error:
        pass  # not one the wave module reads: sox does
    _, sox = tools()
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "clip.wav"
        to_format(sox, path, target)
        with wave.open(str(target), "rb") as w:
            return w.readframes(w.getnframes())


def scaled(pcm: bytes, volume: float) -> bytes:
    if volume >= 0.999:
        return pcm
    samples = array("h", pcm)
    return array("h", (int(s * volume) for s in samples)).tobytes()


def silence(seconds: float) -> bytes:
    return bytes(int(RATE * seconds) * WIDTH)


class ClipBank:
    """The clips in memory (a few hundred KB), the hall's recordings over the generated ones."""

    def __init__(self, generated: Path, recorded: Path | None = None) -> None:
        self.clips: dict[str, bytes] = {}
        self.recorded: list[str] = []
        problems = []
        for name in clip_names():
            mine = recorded / f"{name}.wav" if recorded else None
            path = mine if mine is not None and mine.is_file() else generated / f"{name}.wav"
            try:
                self.clips[name] = read_pcm(path)
            except (OSError, EOFError, wave.Error, subprocess.SubprocessError, ClipError) as exc:
                problems.append(f"{path}: {exc}")
                continue
            if path == mine:
                self.recorded.append(name)
        if problems:
            raise ClipError(f"{len(problems)} clip(s) missing or unreadable: " + "; ".join(problems[:3]))

    def seconds(self, names: list[str]) -> float:
        return len(self.render(names)) / (RATE * WIDTH)

    def render(self, names: list[str], volume: float = 1.0) -> bytes:
        """The clips in a row with a short gap between words; ``pause_*`` are silences."""
        parts = []
        for i, name in enumerate(names):
            if name in PAUSES:
                parts.append(silence(PAUSES[name]))
                continue
            if i and names[i - 1] not in PAUSES:
                parts.append(silence(GAP_S))
            parts.append(self.clips[name])
        return scaled(b"".join(parts), volume)
