"""The account and staff pages: blueprints, session settings, template helpers."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask

from web.security import IDLE_SECONDS, csrf_token, viewer


def register_pages(app: Flask) -> None:
    """Register the page blueprints on the app."""
    from web import account, admin, attention, auth, locks, priority, records, staff

    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=IDLE_SECONDS)
    for module in (auth, account, staff, records, attention, admin, priority, locks):
        app.register_blueprint(module.blueprint)
    app.jinja_env.globals.update(csrf_token=csrf_token, viewer=viewer)
    zone = app.config["SERVELINE"].zone
    app.jinja_env.filters["local"] = lambda moment: _local(moment, zone)
    app.jinja_env.filters["local_seconds"] = lambda moment: _local(moment, zone, seconds=True)


def _local(moment: datetime | str | None, zone: ZoneInfo, seconds: bool = False) -> str:
    """A moment as the registry's local time, e.g. 2026-03-14 09:05 (or 09:05:07)."""
    if moment is None:
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
