"""The Flask composition root (``web.app:create_app``), the CLI, and the staff and account pages."""
