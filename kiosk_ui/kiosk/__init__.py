"""The self-service kiosk (PyQt6): tickets, ID card, appointments."""
