"""80 mm ESC/POS ticket printers: status codec, ticket encoder, connectors, simulator."""
