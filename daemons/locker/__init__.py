"""The locker daemon: 24-hour document lockers (24小时自助文件柜) — deposits by staff, pickups
by code, drop-offs after hours, alarms and an audit of every open. The only daemon that
talks to the lock boards."""

from hallkit.daemons.locker.contract import COMPONENT, CONTRACT
from hallkit.daemons.locker.settings import LockerSettings
from hallkit.plugins.daemon import DaemonSpec

DAEMON = DaemonSpec(
    name=COMPONENT,
    summary=__doc__,
    implementation="hallkit.daemons.locker.daemon:LockerDaemon",
    contract=CONTRACT,
    order=55,
    owns=("locker_board",),
    section="locker",
    settings=LockerSettings,
)
