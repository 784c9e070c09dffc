"""Twilio webhook signatures: every Twilio request is checked, a forged one gets 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, current_app, request
from twilio.request_validator import RequestValidator


def public_url() -> str:
    """The URL Twilio signed: PUBLIC_BASE_URL + path (behind a proxy), else the request's own;
    the query exactly as sent (``request.url`` would re-quote ``resume=%2Fivr…`` as ``/ivr…``,
    and Twilio signs the action URL as the TwiML wrote it)."""
    base = current_app.config["SERVELINE"].public_base_url or request.host_url
    query = f"?{request.query_string.decode()}" if request.query_string else ""
    return base.rstrip("/") + request.path + query


def signature_valid() -> bool:
    token = current_app.config["SERVELINE"].twilio_auth_token
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        return False
    validator = RequestValidator(token)
    return bool(validator.validate(public_url(), request.form.to_dict(flat=True), signature))


def twilio_signed(view: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse (403) any request that Twilio did not sign; nothing is read or recorded."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not signature_valid():
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def sign(url: str, params: dict[str, str], token: str) -> str:
    """The X-Twilio-Signature Twilio would send (simulators and tests)."""
    return str(RequestValidator(token).compute_signature(url, params))
