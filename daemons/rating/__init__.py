"""The rating daemon (好差评): one rating per service at a window, from the window's rating
pad, tablet or screen; bad ratings followed up within working days; the day's ratings as
CSV and JSON lines, and to the provincial platform where configured."""

from hallkit.daemons.rating.contract import COMPONENT, CONTRACT
from hallkit.daemons.rating.settings import RatingSettings
from hallkit.plugins.daemon import DaemonSpec

DAEMON = DaemonSpec(
    name=COMPONENT,
    summary=__doc__,
    implementation="hallkit.daemons.rating.daemon:RatingDaemon",
    contract=CONTRACT,
    order=42,
    section="rating",
    settings=RatingSettings,
)
