"""A toy lock board family, packaged as a vendor would ship one: its own package, declared
through the ``hallkit.families`` entry point (see the .dist-info beside it). hallkit has no
line of code that names it."""

from pydantic import Field

from hallkit.plugins.family import Family, Options, SimAction, SimArg, SimSpec


class ToyOptions(Options):
    open_ms: int = Field(300, ge=50, le=2000, description="how long a lock is powered to open")
    beep: bool = Field(True, description="beep when a door opens")


FAMILY = Family(
    name="toy-board",
    kind="locker_board",
    links="serial sim",
    options=ToyOptions,
    summary="a toy lock board for the plug-in tests",
    codec="toyboard.sim",
    driver="toyboard.sim:ToyLine",
    address=(1, 16),
    serial="19200,8N1",
    simulator=SimSpec(factory="toyboard.sim:ToyLine", shared_line=True, actions=(
        SimAction("poke", "open a simulated toy board's lock", (
            SimArg("lock", "the lock's number", example="3"),), example_device="toy-1"),)),
)
