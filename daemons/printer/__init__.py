"""The printer daemon: a ticket on paper for every ticket taken at a kiosk."""

from hallkit.daemons.printer.daemon import PrinterDaemon as DAEMON

__all__ = ["DAEMON"]
