"""The printer daemon: a ticket on paper for every ticket taken at a kiosk."""

from hallkit.daemons.printer.contract import CONTRACT
from hallkit.daemons.printer.settings import TicketTemplate
from hallkit.plugins.daemon import DaemonSpec

DAEMON = DaemonSpec(
    name="printer",
    summary=__doc__,
    implementation="hallkit.daemons.printer.daemon:PrinterDaemon",
    contract=CONTRACT,
    order=50,
    owns=("printer",),
    section="ticket",
    settings=TicketTemplate,
)
