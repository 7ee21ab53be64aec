"""LCD and Android window screens that are bus clients themselves: the display daemon
publishes each one's screen as retained JSON (``codec.LcdScreen``) and the screen shows it."""

from hallkit.drivers.mqtt_lcd.codec import LcdOptions
from hallkit.plugins.family import Family

FAMILY = Family(
    name="mqtt-lcd",
    kind="window_display",
    links="mqtt",
    options=LcdOptions,
    summary="LCD / Android window screen, JSON over MQTT",
    codec="hallkit.drivers.mqtt_lcd.codec",
    driver="hallkit.drivers.mqtt_lcd.port:LcdPort",
)
