"""Hall-config options of keyboard-wedge scanners (none yet: the line rules are the protocol's)."""

from hallkit.plugins.family import Options


class HidScannerOptions(Options):
    pass
