"""FF 68 RS-485 clerk keypads (呼叫器) and their attached rating pads."""

from hallkit.drivers.ff68.options import KeypadOptions
from hallkit.plugins.family import Family, SimAction, SimArg, SimSpec

FAMILY = Family(
    name="ff68",
    kind="keypad",
    links="serial sim",
    options=KeypadOptions,
    summary="RS-485 clerk call keypad, FF 68 frames",
    codec="hallkit.drivers.ff68.codec",
    driver="hallkit.drivers.ff68.port:FF68Port",
    address=(1, 254),
    simulator=SimSpec(
        factory="hallkit.drivers.ff68.sim:HostedKeypadLine",
        shared_line=True,
        actions=(SimAction("press", "press a key on a simulated keypad, e.g. keypad-3 call", (
            SimArg("key", "0-9, call, recall, clear, confirm, login, pause, transfer, end, rate (the clerk's "
                   "评价 key), rating (the rating pad's answer: --data 01…05)",
                   example="call"),
            SimArg("data", "the key's data byte in hex, e.g. 03 for confirm, 05 for a rating of 5", flag=True,
                   default=""),
        ), example_device="keypad-3"),),
    ),
)
