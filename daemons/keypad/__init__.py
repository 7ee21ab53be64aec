"""The keypad daemon: clerk keypads (FF 68 on RS-485, USB HID pads) become queue commands."""

from hallkit.daemons.keypad.contract import CONTRACT
from hallkit.plugins.daemon import DaemonSpec

DAEMON = DaemonSpec(
    name="keypad",
    summary=__doc__,
    implementation="hallkit.daemons.keypad.daemon:KeypadDaemon",
    contract=CONTRACT,
    order=30,
    owns=("keypad",),
)
