"""The display daemon: window displays follow the queue."""

from hallkit.daemons.display.daemon import DisplayDaemon as DAEMON

__all__ = ["DAEMON"]
