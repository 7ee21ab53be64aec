"""80 mm ESC/POS ticket printers: status codec, ticket encoder, connectors, simulator."""

from hallkit.drivers.escpos.options import PrinterOptions
from hallkit.plugins.family import Family, SimAction, SimArg, SimSpec

CONDITIONS = ("ok, paper_near_end, paper_out, cover_open, feed_button, cutter_error, "
              "unrecoverable_error, offline or silent (answers nothing)")

FAMILY = Family(
    name="escpos",
    kind="printer",
    links="usb serial tcp file sim",
    options=PrinterOptions,
    summary="80 mm thermal printer, ESC/POS",
    codec="hallkit.drivers.escpos.status",
    driver="hallkit.drivers.escpos.driver:EscposPrinter",
    serial="19200,8N1",
    simulator=SimSpec(
        factory="hallkit.drivers.escpos.sim:HostedPrinter",
        shared_line=False,
        actions=(SimAction("printer", "a simulated printer's condition, e.g. printer-kiosk-1 paper_out",
                           (SimArg("condition", f"{CONDITIONS}; omit to just show it", optional=True,
                                   example="paper_out"),),
                           example_device="printer-kiosk-1"),),
    ),
)
