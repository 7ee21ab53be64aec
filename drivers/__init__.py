"""Transports, protocol codecs, device drivers and simulators; importable as hallkit.drivers."""
