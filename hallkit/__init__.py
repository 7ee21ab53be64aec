"""hallkit: the hardware of a government service hall, on one local MQTT bus."""
__version__ = "0.1.0"
