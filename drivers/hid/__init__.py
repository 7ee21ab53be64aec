"""USB HID numeric pads used as clerk keypads, through evdev (grabbed, reopened after unplug)."""

from hallkit.drivers.hid.options import HidKeypadOptions
from hallkit.plugins.family import Family

FAMILY = Family(
    name="hid-keypad",
    kind="keypad",
    links="evdev",
    options=HidKeypadOptions,
    summary="USB HID numeric pad used as call keypad",
    codec="hallkit.drivers.hid.keys",
    driver="hallkit.drivers.hid.port:HidPort",
)
