"""Transports: bytes in and out of a port, knowing nothing of the devices on it."""
