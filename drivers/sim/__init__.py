"""The simulator host: every simulated device line of a hall, on pseudo-terminals."""
