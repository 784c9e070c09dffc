"""Alembic's script folder, shipped inside the package (``web.migrate`` finds it by import)."""
