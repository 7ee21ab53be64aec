"""USB HID rating pads (评价器) with 3 or 5 buttons, read through evdev (grabbed, reopened
after unplug). The rating daemon reads them: a button pressed while the window's rating is
open is the rating."""

from hallkit.drivers.hid_rating.codec import HidRatingOptions
from hallkit.plugins.family import Family

FAMILY = Family(
    name="hid-rating",
    kind="rating",
    links="evdev",
    options=HidRatingOptions,
    summary="USB HID rating pad, 3 or 5 buttons",
    codec="hallkit.drivers.hid_rating.codec",
    driver="hallkit.drivers.hid_rating.codec:HidRatingPad",
)
