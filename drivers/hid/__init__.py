"""USB HID devices through evdev: numeric pads used as clerk keypads (rating pads and
barcode scanners follow the same pattern)."""
