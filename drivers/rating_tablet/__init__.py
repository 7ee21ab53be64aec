"""Rating tablets that are bus clients themselves (an Android app, or hallkit's own PyQt
rating screen, `hallctl rating-screen`): they show their window's open rating from the
rating daemon's retained state and send ``rate`` as themselves. The JSON contract is the
rating daemon's (docs/bus.md, component ``rating``)."""

from hallkit.drivers.rating_tablet.codec import TabletOptions
from hallkit.plugins.family import Family

FAMILY = Family(
    name="mqtt-tablet",
    kind="rating",
    links="mqtt",
    options=TabletOptions,
    summary="rating tablet or screen facing the citizen, JSON over MQTT",
    codec="hallkit.drivers.rating_tablet.codec",
    # No daemon drives a tablet (it drives itself over the bus); hallkit's own is this app.
    driver="hallkit.kiosk_ui.rating.window:RatingWindow",
)
