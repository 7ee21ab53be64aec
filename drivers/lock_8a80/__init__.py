"""8A/80 lock control boards (锁控板): 12, 16 or 24 locks each, up to 32 on an RS-485 line."""

from hallkit.drivers.lock_8a80.options import Lock8A80Options
from hallkit.drivers.lockboard.actions import SIM_ACTIONS
from hallkit.plugins.family import Family, SimSpec

FAMILY = Family(
    name="8a80",
    kind="locker_board",
    links="serial sim",
    options=Lock8A80Options,
    summary="document locker lock board, 8A/80 frames",
    codec="hallkit.drivers.lock_8a80.codec",
    driver="hallkit.drivers.lockboard.port:LockBoardPort",
    address=(1, 32),
    serial="9600,8N1",
    simulator=SimSpec(factory="hallkit.drivers.lock_8a80.sim:hosted", shared_line=True,
                      actions=SIM_ACTIONS),
)
