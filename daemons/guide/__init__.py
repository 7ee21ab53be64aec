"""The guide daemon: the hall's service guide (办事指南) for the kiosks, searched by name,
keyword and pinyin initials."""

from hallkit.daemons.guide.contract import COMPONENT, CONTRACT
from hallkit.daemons.guide.settings import GuideSettings
from hallkit.plugins.daemon import DaemonSpec

DAEMON = DaemonSpec(
    name=COMPONENT,
    summary=__doc__,
    implementation="hallkit.daemons.guide.daemon:GuideDaemon",
    contract=CONTRACT,
    order=65,
    section="guide",
    settings=GuideSettings,
    seed="hallkit.daemons.guide.seed:seed",
)
