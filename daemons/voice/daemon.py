"""The voice daemon: each call announced in Mandarin (and English where configured) through
the hall's speakers, offline, from the clip bank; free text through espeak-ng."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import tempfile
from pathlib import Path

from hallkit.contract.envelope import EventOf, event_json
from hallkit.contract.topics import Topics
from hallkit.daemons.hall.contract import HallState
from hallkit.daemons.queue.contract import CalledEvent
from hallkit.daemons.voice import clipbank
from hallkit.daemons.voice import contract as msg
from hallkit.daemons.voice.announcer import Announcer, Item
from hallkit.daemons.voice.audio import AlsaOutput, WavOutput, open_output
from hallkit.daemons.voice.phrases import announcement
from hallkit.daemons.voice.steps import step_parts
from hallkit.runtime.commands import CommandContext, CommandError, handles
from hallkit.runtime.daemon import Daemon

log = logging.getLogger(__name__)


class KioskVoice:
    """A kiosk's speaker: where its elderly-mode steps are said, and the step waiting."""

    def __init__(self, kiosk: str, output) -> None:
        self.kiosk, self.output = kiosk, output
        self.pending: msg.KioskSay | None = None
        self.wake = asyncio.Event()
        self.task: asyncio.Task | None = None


class VoiceDaemon(Daemon):
    name = msg.COMPONENT

    def __init__(self, cfg, **kw) -> None:
        super().__init__(cfg, **kw)
        self.settings = cfg.section("voice")
        self.folder = cfg.storage_path / "voice"
        self.announcer = Announcer(self.settings.max_age_s)
        self.wake = asyncio.Event()
        self.spoken = self.dropped = 0
        self.resumed_at = float("inf")  # calls stamped before the last (re)connect are stale
        self.notices_seen: set[int] | None = None
        self.kiosks: dict[str, KioskVoice] = {}  # each kiosk's own speaker, apart from the hall's
        self.sentences: dict[str, bytes] = {}    # fixed sentences, made once by espeak-ng
        self.bus.on_connect(self._resumed)
        self.bus.on(Topics(cfg.hall.id, "queue").event("called"), EventOf[CalledEvent], self._called)
        self.bus.on(Topics(cfg.hall.id, "hall").state, HallState, self._hall)

    async def start(self) -> None:
        made = await asyncio.to_thread(clipbank.build, self.folder / "clips")
        if made:
            log.info("made %d voice clips with espeak-ng in %s", len(made), self.folder / "clips")
        recorded = self.settings.recorded_dir
        recorded_path = (Path(self.cfg._source).parent / recorded) if recorded else None
        self.bank = await asyncio.to_thread(clipbank.ClipBank, self.folder / "clips", recorded_path)
        self.output = open_output(self.settings.output, self.settings.alsa_device, self.folder / "out")
        log.info("announcing to %s%s", self.output.where,
                 f"; recorded clips: {', '.join(self.bank.recorded)}" if self.bank.recorded else "")
        self.speaker = asyncio.create_task(self._speak())

    async def stop(self) -> None:
        self.speaker.cancel()
        for kiosk in self.kiosks.values():
            kiosk.task.cancel()

    def retained_state(self) -> msg.VoiceState | None:
        if not hasattr(self, "output"):
            return None
        return msg.VoiceState(output=self.output.where, clips=len(self.bank.clips),
                              recorded=self.bank.recorded, spoken=self.spoken, dropped=self.dropped,
                              waiting=len(self.announcer.waiting), quiet=self._quiet_now(),
                              summary=f"to {self.output.where}; {self.spoken} said, {self.dropped} dropped")

    # -- what comes in ---------------------------------------------------------------------
    def _resumed(self) -> None:
        self.resumed_at = self.clock.time()

    def _called(self, topic: str, event: EventOf[CalledEvent]) -> None:
        call = event.data
        item = Item(called_at=event.ts, number=call.number, window=call.window, recall=call.recall)
        if event.ts < self.resumed_at:  # held for us while we were off the bus: said by now or stale
            self._dropped(item, "called before the voice daemon's connection (re)started")
            return
        self._queue(item)

    def _hall(self, topic: str, state: HallState) -> None:
        """A notice added to the board is read out once (not those there at start)."""
        ids = {n.id for n in state.notices}
        if self.notices_seen is not None:
            for notice in state.notices:
                if notice.id not in self.notices_seen and notice.id > max(self.notices_seen, default=0):
                    self._queue(Item(called_at=self.clock.time(), text=notice.text_zh))
        self.notices_seen = (self.notices_seen or set()) | ids

    def _queue(self, item: Item) -> None:
        for old, why in self.announcer.add(item):
            self._dropped(old, why)
        self.wake.set()

    @handles("say")
    def say(self, req: msg.Say, ctx: CommandContext) -> msg.SayQueued:
        waiting = len(self.announcer.waiting)
        self._queue(Item(called_at=ctx.now, text=req.text))
        return msg.SayQueued(waiting=waiting)

    @handles("kiosk-say")
    def kiosk_say(self, req: msg.KioskSay, ctx: CommandContext) -> msg.KioskSaid:
        device = self.cfg.devices.get(req.kiosk or "")
        if device is None or device.kind != "kiosk" or device.speaker is None:
            raise CommandError("no_speaker", f"kiosk {req.kiosk!r} has no speaker in the hall config "
                               "([devices.<kiosk>] speaker)", "data.kiosk")
        voice = self.kiosks.get(req.kiosk)
        if voice is None:
            output = (WavOutput(self.folder / "out" / req.kiosk, "as configured") if device.speaker == "wav"
                      else AlsaOutput(device.speaker.removeprefix("alsa:")))
            voice = self.kiosks[req.kiosk] = KioskVoice(req.kiosk, output)
            voice.task = asyncio.create_task(self._kiosk_speaker(voice))
        replaced = voice.pending is not None
        voice.pending = req
        voice.wake.set()
        return msg.KioskSaid(replaced=replaced)

    async def _kiosk_speaker(self, voice: KioskVoice) -> None:
        """One kiosk's steps, one at a time; only the newest waiting one is said."""
        while True:
            await voice.wake.wait()
            voice.wake.clear()
            step, voice.pending = voice.pending, None
            if step is None:
                continue
            try:
                pcm = await self._step_pcm(step)
                await voice.output.play(pcm, f"{voice.kiosk}-{step.step}", self.clock)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the kiosk goes on without its voice
                log.warning("kiosk %s: step %s not said: %s", voice.kiosk, step.step, exc)

    async def _step_pcm(self, step: msg.KioskSay) -> bytes:
        parts = []
        for kind, what in step_parts(step.step, step.number, step.ahead):
            if kind == "clips":
                parts.append(self.bank.render(what))
                continue
            if what not in self.sentences:
                self.sentences[what] = await asyncio.to_thread(free_text_pcm, what)
            parts.append(self.sentences[what])
        return clipbank.scaled(clipbank.silence(clipbank.GAP_S).join(parts), self.settings.volume)

    # -- what goes out ---------------------------------------------------------------------
    async def _speak(self) -> None:
        while True:
            await self.wake.wait()
            self.wake.clear()
            while True:
                item, dropped = self.announcer.next(self.clock.time())
                for old, why in dropped:
                    self._dropped(old, why)
                if item is None:
                    break
                try:
                    await self._say(item)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # a broken sound card must not end the calling
                    self._dropped(item, f"could not be played: {exc}")
                    await self.clock.sleep(1.0)
            self.publish_soon(self.publish_state, max_delay=1.0)

    async def _say(self, item: Item) -> None:
        volume = self.settings.quiet_volume if self._quiet_now() else self.settings.volume
        if item.text is not None:
            pcm = clipbank.scaled(await asyncio.to_thread(free_text_pcm, item.text), volume)
            label = "text"
        else:
            s = self.settings
            names = announcement(item.number, item.window, item.recall, style=s.number_style,
                                 repeat=s.repeat, english=s.english, recall_phrase=s.recall_phrase,
                                 chime=s.chime)
            pcm = self.bank.render(names, volume)
            label = f"{item.number}-w{item.window}"
        started, file = await self.output.play(pcm, label, self.clock)
        self.spoken += 1
        seconds = len(pcm) / (clipbank.RATE * clipbank.WIDTH)
        log.info("said %s (%.1f s, %.0f ms after the call)", label, seconds,
                 (started - item.called_at) * 1000)
        self._event(item, "spoken", started_at=started, seconds=round(seconds, 2), file=file)

    def _dropped(self, item: Item, why: str) -> None:
        self.dropped += 1
        what = f"{item.number} to window {item.window}" if item.number else "a sentence"
        log.info("dropped %s: %s", what, why)
        self._event(item, "dropped", reason=why)

    def _event(self, item: Item, outcome: str, **more) -> None:
        event = msg.Spoken(outcome=outcome, number=item.number, window=item.window, recall=item.recall,
                           called_at=item.called_at, **more)
        try:
            self.bus.publish(self.topics.event("spoken"), event_json(event, self.clock.time()), qos=0)
        except Exception as exc:  # off the bus: the log line stays
            log.debug("spoken event not sent: %s", exc)

    def _quiet_now(self) -> bool:
        now = self.clock.now().time().replace(tzinfo=None)
        return any(start <= now < end for start, end in self.settings.quiet_hours)


def free_text_pcm(text: str) -> bytes:
    """A sentence read by espeak-ng's Mandarin voice from its pinyin (worked out in a child
    process: see freetext.py), in the bank's format."""
    espeak, sox = clipbank.tools()
    pinyin = subprocess.run([sys.executable, "-m", "hallkit.daemons.voice.freetext", text],
                            capture_output=True, text=True, check=True, timeout=30).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "text.wav"
        clipbank.speak_to(espeak, sox, "cmn-latn-pinyin", pinyin, out)
        return clipbank.read_pcm(out)

