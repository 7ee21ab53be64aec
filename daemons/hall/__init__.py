"""The hall daemon: publishes the hall's directory and owns its notices."""

from hallkit.daemons.hall.daemon import HallDaemon as DAEMON

__all__ = ["DAEMON"]
