"""Window LED displays (窗口屏) over Modbus RTU: the open register map of the protocol file."""

from hallkit.drivers.modbus_window.options import ModbusWindowOptions
from hallkit.plugins.family import Family, SimAction, SimArg, SimSpec

FAMILY = Family(
    name="modbus-window",
    kind="window_display",
    links="serial sim",
    options=ModbusWindowOptions,
    summary="window LED display, Modbus RTU register map",
    codec="hallkit.drivers.modbus_window.codec",
    driver="hallkit.drivers.modbus_window.port:ModbusDisplayPort",
    address=(1, 247),
    simulator=SimSpec(
        factory="hallkit.drivers.modbus_window.sim:HostedDisplayLine",
        shared_line=True,
        actions=(SimAction("display", "unplug a simulated window display (silent) or plug it back (ok)",
                           (SimArg("condition", "ok or silent; omit to just show it", optional=True,
                                   example="silent"),),
                           example_device="display-3"),),
    ),
)
