"""The clerk console: the soft keypad for a window without hardware."""
