"""The rating screen (评价器屏): a tablet or second monitor facing the citizen at a window."""
