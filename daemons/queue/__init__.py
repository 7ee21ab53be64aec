"""The queue daemon: owns every ticket; kiosks, keypads and consoles ask it over the bus."""

from hallkit.daemons.queue.contract import CONTRACT
from hallkit.plugins.daemon import DaemonSpec

DAEMON = DaemonSpec(
    name="queue",
    summary=__doc__,
    implementation="hallkit.daemons.queue.daemon:QueueDaemon",
    contract=CONTRACT,
    order=20,
    owns=("window",),
)
