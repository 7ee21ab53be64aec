"""FF 68 RS-485 clerk keypads (呼叫器) and their attached rating pads."""
