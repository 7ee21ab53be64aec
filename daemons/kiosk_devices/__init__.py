"""The kiosk-devices daemon: each kiosk's resident ID card reader and QR/barcode scanner,
read for that kiosk alone."""

from hallkit.daemons.kiosk_devices.contract import COMPONENT, CONTRACT
from hallkit.plugins.daemon import DaemonSpec

DAEMON = DaemonSpec(
    name=COMPONENT,
    summary=__doc__,
    implementation="hallkit.daemons.kiosk_devices.daemon:KioskDevicesDaemon",
    contract=CONTRACT,
    order=35,
    owns=("id_reader", "scanner"),
)
