"""Rate limits (Flask-Limiter): on Redis when REDIS_URL is set, in memory otherwise.

Each limit is a setting (``core.settings``, ``RATE_LIMIT_*``). A limited page gets a plain 429
page, a limited text no reply at all, a limited call a polite goodbye; each breach is logged and
audited once per window for its key, so a flood does not flood the log too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, request, session
from flask_limiter import Limiter, RequestLimit
from limits import parse, parse_many

from core.db import session_scope
from core.models import AuditEvent

log = logging.getLogger(__name__)
NOTE_ONCE_PER = parse("1 per 10 minutes")


def by_address() -> str:
    return f"address:{request.remote_addr or 'unknown'}"


def by_userid() -> str:
    return f"account:{request.form.get('userid', '').strip().lower()[:40] or '-'}"


def by_signed_in() -> str:
    return f"account:{session.get('uid', '-')}"


def by_sender() -> str:
    return f"phone:{request.form.get('From', '')[:40] or '-'}"


def _noted(limit: RequestLimit) -> None:
    _note(str(limit.limit), str(limit.request_args[0]))


def _note(limit: str, key: str) -> None:
    """The first breach of a key in ten minutes is logged and audited; the rest only refused."""
    if not limiter.limiter.hit(NOTE_ONCE_PER, "noted", key):
        return
    where = request.path
    log.warning(
        "rate limit %s reached for %s at %s: refused until the window passes", limit, key, where
    )
    with session_scope() as db:
        db.add(
            AuditEvent(
                kind="rate_limited",
                channel=_channel(where),
                marshal_id=session.get("uid") if isinstance(session.get("uid"), int) else None,
                detail={"path": where, "key": key, "limit": limit},
            )
        )


def _channel(path: str) -> str:
    if path.startswith("/sms"):
        return "SMS"
    return "PHONE" if path.startswith("/ivr") else "WEB"


limiter = Limiter(key_func=by_address, on_breach=_noted)


def init_app(app: Flask, redis_url: str | None) -> None:
    """Limits on this app: Redis when configured (shared by every web process), else memory."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)


def setting(name: str) -> Callable[[], str]:
    """A limit read from the app's settings at each request."""
    return lambda: str(getattr(current_app.config["SERVELINE"], name))


def on_post(name: str, *keys: Callable[[], str]) -> Callable[[Any], Any]:
    """The setting's limit on a page's POSTs, counted for each key (address, account…)."""

    def decorate(view: Any) -> Any:
        for key in keys:
            view = limiter.limit(setting(name), key_func=key, methods=["POST"])(view)
        return view

    return decorate


def within(name: str, key: Callable[[], str]) -> bool:
    """Count this request against the setting's limits for the key; False when over (noted).
    Webhooks call it after their signature is checked, so forged requests count for nothing."""
    value, scope = setting(name)(), key()
    for item in parse_many(value):
        if not limiter.limiter.hit(item, name, scope):
            _note(str(item), scope)
            return False
    return True
