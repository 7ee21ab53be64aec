"""QR and barcode scanners on a serial port (RS-232 or a USB virtual COM port): CR-ended lines."""

from hallkit.drivers.scanner_serial.options import SerialScannerOptions
from hallkit.plugins.family import Family, SimAction, SimArg, SimSpec

FAMILY = Family(
    name="serial-scanner",
    kind="scanner",
    links="serial sim",
    options=SerialScannerOptions,
    summary="QR/barcode scanner on a serial port, one CR-ended line per code",
    codec="hallkit.drivers.scanner_serial.codec",
    driver="hallkit.drivers.scanner_serial.port:SerialScannerPort",
    serial="9600,8N1",
    simulator=SimSpec(
        factory="hallkit.drivers.scanner_serial.sim:HostedScanner",
        shared_line=False,
        actions=(SimAction("scan", "scan a code on a simulated scanner (or a kiosk's)",
                           (SimArg("code", "what the code says", example="YY0123"),),
                           example_device="kiosk-1"),),
    ),
)
