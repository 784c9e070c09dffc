"""The fax channel's web edge: the provider's status callbacks and the signed PDF links."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, request

from core.db import session_scope, utcnow
from core.models import Notification
from core.settings import Settings
from edge.signature import provider_signed
from fax import tracking
from fax.notice import notice_for, render
from fax.providers import Answer, attempt_in, media_link_valid

blueprint = Blueprint("fax", __name__, url_prefix="/fax")
# SignalWire signs its callbacks as Twilio does, with the project's signing key.
SIGNATURE_HEADERS = ("X-SignalWire-Signature", "X-Twilio-Signature")


def _settings() -> Settings:
    settings: Settings = current_app.config["SERVELINE"]
    return settings


def callback_answer() -> Answer:
    """The callback's form in the provider's words (Twilio-style FaxSid, FaxStatus)."""
    form = request.form
    reason = form.get("ErrorMessage") or form.get("ErrorCode") or None
    return Answer(form.get("FaxSid"), form.get("FaxStatus", "").lower(), reason)


@blueprint.post("/status")
def status() -> Any:
    """Status callback: signed or 403; safe to receive twice or out of order."""
    if not provider_signed(_settings().fax_signing_key, SIGNATURE_HEADERS):
        abort(403)
    with session_scope() as session:
        outcome = tracking.on_callback(
            session, callback_answer(), utcnow(), attempt_in(request.form.get("MediaUrl"))
        )
    return {"outcome": outcome}


@blueprint.get("/media/<int:notification_id>-<int:attempt>.pdf")
def media(notification_id: int, attempt: int) -> Any:
    """The notice PDF the provider fetches, behind a link that is signed and expires."""
    expires = request.args.get("expires", type=int) or 0
    signature = request.args.get("signature", "")
    if not media_link_valid(_settings(), notification_id, attempt, expires, signature):
        abort(403)
    with session_scope() as session:
        notification = session.get(Notification, notification_id)
        if notification is None or notification.attempts != attempt or not notification.sent_at:
            abort(404)
        pdf = render(notice_for(notification, _settings(), notification.sent_at))
    return Response(pdf, mimetype="application/pdf")
