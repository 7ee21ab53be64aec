"""The queue daemon: owns every ticket; kiosks, keypads and consoles ask it over the bus."""

from hallkit.daemons.queue.daemon import QueueDaemon as DAEMON

__all__ = ["DAEMON"]
