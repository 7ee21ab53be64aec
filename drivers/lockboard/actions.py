"""The lock board simulators' control actions, the same for every lock board family (light:
the families' declarations import it)."""

from hallkit.plugins.family import SimAction, SimArg

SIM_ACTIONS = (
    SimAction("door", "work a simulated locker door: close, force (pried open), stick (the latch "
              "will not release), free, fill or empty (what an infrared sensor sees)", (
                  SimArg("lock", "the lock's number on the board, e.g. 7", example="7"),
                  SimArg("action", "close, force, stick, free, fill or empty", example="close")),
              example_device="locker-1"),
    SimAction("board", "make a simulated lock board go silent, answer with bad checksums "
              "(garble), or behave again (ok)", (
                  SimArg("condition", "ok, silent or garble", example="silent"),),
              example_device="locker-1"),
)
