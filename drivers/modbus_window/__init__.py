"""Window LED displays (窗口屏) over Modbus RTU: the open register map of the protocol file."""
