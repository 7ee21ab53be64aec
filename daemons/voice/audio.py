"""Where announcements go: the sound card through ``aplay``, or, on a box without one (CI,
a hall box whose speaker hangs off another machine), WAV files written at the pace they
would be played, so what is dropped or said is the same either way."""

from __future__ import annotations

import asyncio
import logging
import shutil
import time
from pathlib import Path

from hallkit.daemons.voice.clipbank import CHANNELS, RATE, WIDTH, write_wav

log = logging.getLogger(__name__)

KEEP_FILES = 200  # announcements kept as files; older ones are deleted
CHUNK = RATE * WIDTH // 10  # 100 ms of sound per write


def has_sound_card() -> bool:
    cards = Path("/proc/asound/cards")
    try:
        text = cards.read_text()
    except OSError:
        return False
    return bool(text.strip()) and "no soundcards" not in text


class AlsaOutput:
    def __init__(self, device: str) -> None:
        self.aplay = shutil.which("aplay")
        if self.aplay is None:
            raise RuntimeError("aplay is not installed (apt-get install alsa-utils)")
        self.device = device
        self.where = f"alsa:{device}"

    async def play(self, pcm: bytes, label: str, clock) -> tuple[float, str | None]:
        """Play ``pcm`` to its end; returns when its first sample went out, and no file."""
        proc = await asyncio.create_subprocess_exec(
            self.aplay, "-q", "-D", self.device, "-t", "raw", "-f", "S16_LE", "-r", str(RATE),
            "-c", str(CHANNELS), stdin=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        started = None
        try:
            for at in range(0, len(pcm), CHUNK):
                proc.stdin.write(pcm[at:at + CHUNK])
                await proc.stdin.drain()  # aplay takes sound as fast as the card plays it
                if started is None:
                    started = clock.time()
            proc.stdin.close()
            _, err = await proc.communicate()
        except (BrokenPipeError, ConnectionResetError):
            _, err = await proc.communicate()
        if proc.returncode:
            raise RuntimeError(f"aplay -D {self.device} failed: {err.decode(errors='replace').strip()[:200]}")
        return started or clock.time(), None


class WavOutput:
    def __init__(self, folder: Path, why: str) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.where = f"wav:{folder} ({why})"

    async def play(self, pcm: bytes, label: str, clock) -> tuple[float, str | None]:
        stamp = clock.now().strftime("%Y%m%d-%H%M%S")  # the hall's time, as on its tickets
        path = self.folder / f"{stamp}-{time.monotonic_ns() % 10**6:06d}-{label}.wav"
        await asyncio.to_thread(write_wav, path, pcm)
        started = clock.time()
        self._prune()
        await clock.sleep(len(pcm) / (RATE * WIDTH))  # as long as a speaker would take
        return started, str(path)

    def _prune(self) -> None:
        files = sorted(self.folder.glob("*.wav"))
        for old in files[:-KEEP_FILES]:
            old.unlink(missing_ok=True)


def open_output(choice: str, device: str, folder: Path):
    if choice == "wav":
        return WavOutput(folder, "as configured")
    if choice == "alsa" or has_sound_card():
        return AlsaOutput(device)
    return WavOutput(folder, "no sound card")
