"""The display daemon: window displays follow the queue."""

from hallkit.daemons.display.contract import CONTRACT
from hallkit.plugins.daemon import DaemonSpec

DAEMON = DaemonSpec(
    name="display",
    summary=__doc__,
    implementation="hallkit.daemons.display.daemon:DisplayDaemon",
    contract=CONTRACT,
    order=40,
    owns=("window_display",),
)
