"""The keypad daemon: clerk keypads (FF 68 on RS-485, USB HID) become queue commands."""
