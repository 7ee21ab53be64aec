"""What the display daemon says on the bus: the screen of each MQTT window display."""

from __future__ import annotations

from hallkit.contract.spec import Contract, StateTopic
from hallkit.drivers.mqtt_lcd.codec import LcdScreen

STATES = (StateTopic("display", LcdScreen, "What an MQTT window screen shows now; it follows the "
                     "window's state at once.", "hall/<hall>/window_display/<device-id>/state"),)
CONTRACT = Contract(states=STATES)
