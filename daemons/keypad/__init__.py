"""The keypad daemon: clerk keypads (FF 68 on RS-485) become queue commands."""

from hallkit.daemons.keypad.daemon import KeypadDaemon as DAEMON

__all__ = ["DAEMON"]
