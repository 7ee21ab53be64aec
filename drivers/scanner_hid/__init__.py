"""Keyboard-wedge QR and barcode scanners on USB, through evdev (grabbed, reopened after unplug)."""

from hallkit.drivers.scanner_hid.options import HidScannerOptions
from hallkit.plugins.family import Family

FAMILY = Family(
    name="hid-scanner",
    kind="scanner",
    links="evdev",
    options=HidScannerOptions,
    summary="QR/barcode scanner typing like a keyboard (USB HID)",
    codec="hallkit.drivers.scanner_hid.codes",
    driver="hallkit.drivers.scanner_hid.port:HidScannerPort",
)
