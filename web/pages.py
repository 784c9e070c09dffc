"""The account and staff pages (placeholder until the web front is built)."""

from __future__ import annotations

from flask import Flask


def register_pages(app: Flask) -> None:
    """Register the page blueprints on the app."""
