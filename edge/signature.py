"""Twilio webhook signatures: every Twilio request is checked, a forged one gets 403.

Twilio's signature runs the sorted names and values together with no separator, so a captured
request can be re-split (``MessageSid='SM…NumMedia0'``, ``NumMedia`` dropped) under the same
signature. Two checks refuse that: every Twilio id must have Twilio's shape (a re-split id does
not), and a signature seen lately must come back with exactly the parameters it came with first
(Twilio's own retries do, and get the same answer as before; a re-split does not, and gets 403).

The fax provider (SignalWire) signs its callbacks by the same scheme with its own key and header:
``provider_signed`` checks those with the same validator and the same replay store.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import re
from collections.abc import Callable, Mapping
from datetime import timedelta
from functools import cache, wraps
from typing import Any

from flask import abort, current_app, request
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import delete, select
from twilio.request_validator import RequestValidator

from core.db import deadline, insert_ignore, session_scope, utcnow
from core.settings import Settings
from edge.models import SeenSignature

log = logging.getLogger(__name__)
SEEN_FOR = timedelta(hours=24)
TWILIO_HEADERS = ("X-Twilio-Signature",)
# Twilio waits 15 s for an answer: a webhook commits or rolls back within this.
WEBHOOK_SECONDS = 5.0
_MESSAGE = r"(SM|MM)[0-9a-f]{32}"
SID_SHAPES = {
    "CallSid": re.compile(r"CA[0-9a-f]{32}"),
    "MessageSid": re.compile(_MESSAGE),
    "SmsSid": re.compile(_MESSAGE),
    "SmsMessageSid": re.compile(_MESSAGE),
}


def public_url() -> str:
    """The URL Twilio signed: PUBLIC_BASE_URL + path (behind a proxy), else the request's own;
    the query exactly as sent (``request.url`` would re-quote ``resume=%2Fivr…`` as ``/ivr…``,
    and Twilio signs the action URL as the TwiML wrote it)."""
    base = current_app.config["SERVELINE"].public_base_url or request.host_url
    query = f"?{request.query_string.decode()}" if request.query_string else ""
    return base.rstrip("/") + request.path + query


def signature_in(headers: tuple[str, ...]) -> str:
    """The request's signature: the first of these headers it carries, else ""."""
    return next((request.headers[name] for name in headers if name in request.headers), "")


def signature_valid(key: str, signature: str) -> bool:
    """Twilio's scheme: the signature of the URL called and its form parameters under key."""
    if not signature:
        return False
    validator = RequestValidator(key)
    return bool(validator.validate(public_url(), request.form.to_dict(flat=True), signature))


def well_shaped(form: Mapping[str, str], account_sid: str) -> bool:
    """Every Twilio id has Twilio's shape, and the request is for our account."""
    for name, shape in SID_SHAPES.items():
        value = form.get(name)
        if value is not None and not shape.fullmatch(value):
            return False
    return not account_sid or form.get("AccountSid") == account_sid


def twilio_signed(view: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse (403) any request that Twilio did not sign, that is not shaped as Twilio's, or
    that replays a signature with other parameters; nothing is read or recorded."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        settings = current_app.config["SERVELINE"]
        signature = signature_in(TWILIO_HEADERS)
        with deadline(WEBHOOK_SECONDS):
            if not (
                signature_valid(settings.twilio_auth_token, signature)
                and well_shaped(request.form, settings.twilio_account_sid)
                and not_a_replay(signature)
            ):
                abort(403)
            return view(*args, **kwargs)

    return wrapper


def provider_signed(key: str, headers: tuple[str, ...]) -> bool:
    """A provider that signs as Twilio does (its key, its header): valid and not a replay."""
    signature = signature_in(headers)
    return bool(key) and signature_valid(key, signature) and not_a_replay(signature)


def request_digest() -> str:
    """The exact request a signature was given for: URL, names and values, kept apart."""
    pairs = sorted(request.form.items(multi=True))
    return hashlib.sha256(json.dumps([public_url(), pairs]).encode()).hexdigest()


def not_a_replay(signature: str) -> bool:
    """True for a signature not seen lately, or seen with these very parameters (a retry)."""
    digest = request_digest()
    redis_url = current_app.config["SERVELINE"].redis_url
    if redis_url:
        try:
            return _seen_in_redis(_redis(redis_url), signature, digest)
        except RedisError:
            log.warning("Redis is unreachable: webhook signatures are kept in the database")
    return _seen_in_database(signature, digest)


@cache
def _redis(url: str) -> Redis:
    return Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)


def _seen_in_redis(redis: Redis, signature: str, digest: str) -> bool:
    key = f"serveline:signature:{signature}"
    if redis.set(key, digest, nx=True, ex=int(SEEN_FOR.total_seconds())):
        return True
    first = redis.get(key)
    return not isinstance(first, bytes) or first.decode() == digest


def _seen_in_database(signature: str, digest: str) -> bool:
    now = utcnow()
    with session_scope() as session:
        if random.random() < 0.01:  # noqa: S311 - housekeeping, not security
            session.execute(delete(SeenSignature).where(SeenSignature.seen_at < now - SEEN_FOR))
        if insert_ignore(
            session,
            SeenSignature.__table__,
            {"signature": signature[:128], "digest": digest, "seen_at": now},
        ):
            return True
        first = session.scalar(
            select(SeenSignature.digest).where(SeenSignature.signature == signature[:128])
        )
        return first is None or first == digest


def request_id() -> str:
    """What names this request in the log: Twilio's ids and its idempotency token."""
    form = request.form
    sid = form.get("CallSid") or form.get("MessageSid") or "-"
    token = request.headers.get("I-Twilio-Idempotency-Token", "-")
    return f"{request.method} {request.full_path.rstrip('?')} sid={sid[:64]} token={token[:80]}"


def log_failure(error: Exception) -> None:
    """One line for a webhook the registry could not take (database or queue down)."""
    log.error(
        "webhook not taken, nothing recorded (%s: %s) %s",
        type(error).__name__,
        str(error).splitlines()[0][:200] if str(error) else "",
        request_id(),
    )


SIMULATOR_ACCOUNT = "ACsimulator"


def our_account_sid(settings: Settings) -> str:
    """The account simulators sign as: the line checks a request is for its own account
    (``make run`` sets ``TWILIO_ACCOUNT_SID=ACsimulator``, the softphone's default too)."""
    return settings.twilio_account_sid or SIMULATOR_ACCOUNT


def sign(url: str, params: dict[str, str], token: str) -> str:
    """The X-Twilio-Signature Twilio would send (simulators and tests)."""
    return str(RequestValidator(token).compute_signature(url, params))
