"""The hall board (大厅综合屏): the calls, the queues and the notices on the hall's TV."""
