"""Hall-config options of serial scanners (none yet: a code is a CR-ended line)."""

from hallkit.plugins.family import Options


class SerialScannerOptions(Options):
    pass
