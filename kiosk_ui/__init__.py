"""PyQt6 apps (kiosk, hall board, clerk console, rating screen); importable as hallkit.kiosk_ui."""
