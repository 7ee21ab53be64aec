"""Kerong CU12/CU16 lock control boards: 12 or 16 locks each, an optional infrared sensor
per compartment, up to 16 boards on an RS-485 line."""

from hallkit.drivers.lock_kerong.options import KerongOptions
from hallkit.drivers.lockboard.actions import SIM_ACTIONS
from hallkit.plugins.family import Family, SimSpec

FAMILY = Family(
    name="kerong-cu",
    kind="locker_board",
    links="serial sim",
    options=KerongOptions,
    summary="document locker lock board, Kerong CU frames",
    codec="hallkit.drivers.lock_kerong.codec",
    driver="hallkit.drivers.lockboard.port:LockBoardPort",
    address=(0, 15),
    serial="19200,8N1",
    simulator=SimSpec(factory="hallkit.drivers.lock_kerong.sim:hosted", shared_line=True,
                      actions=SIM_ACTIONS),
)
