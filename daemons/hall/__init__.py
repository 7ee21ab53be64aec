"""The hall daemon: publishes the hall's directory and owns its notices."""

from hallkit.daemons.hall.contract import CONTRACT
from hallkit.plugins.daemon import DaemonSpec

DAEMON = DaemonSpec(
    name="hall",
    summary=__doc__,
    implementation="hallkit.daemons.hall.daemon:HallDaemon",
    contract=CONTRACT,
    order=10,
    owns=("kiosk", "hall_board"),  # each kiosk's and board's setup, within its own topics
)
