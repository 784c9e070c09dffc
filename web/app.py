"""``create_app``: the one place that wires settings, database, job queue and blueprints."""

from __future__ import annotations

import logging
import sys
from functools import cache
from typing import Any

from flask import Flask, appcontext_pushed, g, jsonify
from flask.testing import FlaskClient
from sqlalchemy import text

from core import services as running
from core.services import Services
from core.settings import Settings, SettingsError, load_checked
from edge import limits
from web import services as parts
from web.queue import RQQueue, start_sweeper
from web.security import RowId

log = logging.getLogger("serveline")


def create_app(
    settings: Settings | None = None, services: Services | None = None, **flask_config: Any
) -> Flask:
    """Build the app: WSGI servers call ``web.app:create_app()``; tests pass their settings, or
    the services they built (which carry their settings)."""
    settings = services.settings if services else settings or settings_or_exit()
    app = Flask(__name__, instance_path=str(settings.instance_dir.resolve()))
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
        MAX_CONTENT_LENGTH=16 * 1024 * 1024,
    )
    app.config.update(flask_config)
    if settings.default_database:
        settings.instance_dir.mkdir(parents=True, exist_ok=True)
    app.url_map.converters["int"] = RowId  # before the blueprints add their rules
    use_services(app, services or parts.build(settings))
    _start_jobs(app.extensions[SERVICES])
    limits.init_app(app, settings.redis_url)
    _register_blueprints(app)
    app.add_url_rule("/healthz", "healthz", healthz)
    app.test_client_class = ServerLikeClient
    return app


class ServerLikeClient(FlaskClient):
    """Flask's test client, closing each response once it has it, as a WSGI server does once it
    has sent it: the work a webhook leaves for then (``edge.answer_first``) runs in tests too."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


SERVICES = "serveline"  # the app's services: app.extensions[SERVICES]


def use_services(app: Flask, services: Services) -> None:
    """The app runs every app context (request, CLI command) with these services, and its
    settings are theirs (a test may give its app other services between requests)."""
    if SERVICES not in app.extensions:
        app.teardown_appcontext(_leave_services)
    app.extensions[SERVICES] = services
    app.config["SERVELINE"] = services.settings


def services_of(app: Flask) -> Services:
    """The app's services."""
    found: Services = app.extensions[SERVICES]
    return found


@appcontext_pushed.connect
def _enter_services(app: Flask, **_extra: Any) -> None:
    if SERVICES in app.extensions:
        g.serveline_leave = running.enter(app.extensions[SERVICES])


def _leave_services(_error: BaseException | None) -> None:
    leave = g.pop("serveline_leave", None)
    if leave is not None:
        leave()


# gunicorn's "App failed to load": its arbiter stops instead of starting the worker again.
CANNOT_START = 4


def settings_or_exit() -> Settings:
    """The checked settings from the environment; otherwise one line on stderr and exit."""
    try:
        return load_checked()
    except SettingsError as error:
        print(f"ServeLine cannot start: {error}", file=sys.stderr, flush=True)
        raise SystemExit(CANNOT_START) from None


def _start_jobs(services: Services) -> None:
    if services.settings.redis_url:
        return
    _log_once("REDIS_URL is not set: jobs run in this process, right after each commit")
    if services.settings.in_process_sweeper:
        start_sweeper(services)


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
        with running.current().database.session() as session:
            session.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure means unhealthy
        problems["database"] = type(error).__name__
    problems.update(_queue_problem())
    status = 503 if problems else 200
    return jsonify({"ok": not problems, "problems": problems}), status


def _queue_problem() -> dict[str, str]:
    queue = running.current().queue
    if not isinstance(queue, RQQueue):
        return {}
    try:
        queue.connection.ping()
    except Exception as error:  # noqa: BLE001
        return {"queue": type(error).__name__}
    return {}
