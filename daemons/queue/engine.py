"""The queue engine: every rule about tickets and windows, over the daemon's SQLite.

Each operation runs inside the caller's transaction, raises ``CommandError`` to
refuse (changing nothing), and records what else must happen (events, state to
republish) in an ``Effects``. The rules live in tickets.py (taking, check-in,
cancel, rollover), windows.py (what a clerk does) and selection.py (who is
next); the bus glue is in daemon.py, so tests drive the rules without a broker.
"""

from hallkit.daemons.queue.base import Effects
from hallkit.daemons.queue.state import StateViews
from hallkit.daemons.queue.tickets import TicketOps
from hallkit.daemons.queue.windows import WindowOps


class QueueEngine(TicketOps, WindowOps, StateViews):
    pass


__all__ = ["Effects", "QueueEngine"]
