"""What the lock board families share: the board state their codecs decode to, the line
driver that polls boards and confirms opens, and the simulator's boards and doors."""
