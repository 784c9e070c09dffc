"""``create_app``: the one place that wires settings, database, job queue and blueprints."""

from __future__ import annotations

import logging
import sys
from functools import cache
from typing import Any

from flask import Flask, jsonify
from sqlalchemy import text

from core.accounts import use_pin_pepper
from core.db import db
from core.settings import Settings, SettingsError, load_checked
from edge import limits
from web.queue import configure_queue, start_sweeper
from web.security import RowId

log = logging.getLogger("serveline")


def create_app(settings: Settings | None = None, **flask_config: Any) -> Flask:
    """Build the app: WSGI servers call ``web.app:create_app()``; tests pass their settings."""
    settings = settings or settings_or_exit()
    app = Flask(__name__, instance_path=str(settings.instance_dir.resolve()))
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SERVELINE=settings,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
        MAX_CONTENT_LENGTH=16 * 1024 * 1024,
    )
    app.config.update(flask_config)
    if settings.default_database:
        settings.instance_dir.mkdir(parents=True, exist_ok=True)
    app.url_map.converters["int"] = RowId  # before the blueprints add their rules
    db.configure(settings.database_url, pool_pre_ping=True)
    use_pin_pepper(settings.pin_pepper)
    _configure_jobs(settings)
    _configure_mails(settings)
    limits.init_app(app, settings.redis_url)
    _register_blueprints(app)
    app.add_url_rule("/healthz", "healthz", healthz)
    return app


# gunicorn's "App failed to load": its arbiter stops instead of starting the worker again.
CANNOT_START = 4


def settings_or_exit() -> Settings:
    """The checked settings from the environment; otherwise one line on stderr and exit."""
    try:
        return load_checked()
    except SettingsError as error:
        print(f"ServeLine cannot start: {error}", file=sys.stderr, flush=True)
        raise SystemExit(CANNOT_START) from None


def _configure_jobs(settings: Settings) -> None:
    configure_queue(settings.redis_url)
    if settings.redis_url:
        return
    _log_once("REDIS_URL is not set: jobs run in this process, right after each commit")
    if settings.in_process_sweeper:
        _start_sweeper_once()


def _configure_mails(settings: Settings) -> None:
    from web import mails

    mails.configure(settings)


@cache
def _start_sweeper_once() -> None:
    start_sweeper()


@cache
def _log_once(message: str) -> None:
    log.warning(message)


def _register_blueprints(app: Flask) -> None:
    from fax.views import blueprint as fax_blueprint
    from ivr.views import blueprint as ivr_blueprint
    from sms.views import blueprint as sms_blueprint
    from speech.views import blueprint as speech_blueprint
    from web.pages import register_pages

    app.register_blueprint(ivr_blueprint)
    app.register_blueprint(sms_blueprint)
    app.register_blueprint(fax_blueprint)
    app.register_blueprint(speech_blueprint)
    register_pages(app)


def healthz() -> Any:
    """Database and queue reachable: 200; otherwise 503 with what failed."""
    problems: dict[str, str] = {}
    try:
        with db.session() as session:
            session.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure means unhealthy
        problems["database"] = type(error).__name__
    problems.update(_queue_problem())
    status = 503 if problems else 200
    return jsonify({"ok": not problems, "problems": problems}), status


def _queue_problem() -> dict[str, str]:
    from core import jobs
    from web.queue import RQQueue

    queue = jobs.current()
    if not isinstance(queue, RQQueue):
        return {}
    try:
        queue.connection.ping()
    except Exception as error:  # noqa: BLE001
        return {"queue": type(error).__name__}
    return {}
