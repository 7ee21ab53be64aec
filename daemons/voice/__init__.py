"""The voice daemon: each call announced offline in Mandarin (请 A012 号 到 3 号窗口办理),
never overlapping, never late, through the hall's speakers or as WAV files."""

from hallkit.daemons.voice.contract import COMPONENT, CONTRACT
from hallkit.daemons.voice.settings import VoiceSettings
from hallkit.plugins.daemon import DaemonSpec

DAEMON = DaemonSpec(
    name=COMPONENT,
    summary=__doc__,
    implementation="hallkit.daemons.voice.daemon:VoiceDaemon",
    contract=CONTRACT,
    order=45,
    section="voice",
    settings=VoiceSettings,
)
