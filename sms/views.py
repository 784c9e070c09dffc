"""Webhook endpoint of the sms channel: Twilio's Messaging URL, answered with TwiML."""

from __future__ import annotations

from flask import Blueprint, Response, abort, request
from twilio.twiml.messaging_response import MessagingResponse
from werkzeug.exceptions import HTTPException

from core import services
from core.db import session_scope
from edge import limits
from edge.answer_first import answer_first
from edge.signature import log_failure, twilio_signed
from sms import replies
from sms.conversation import Inbound
from sms.inbox import receive

blueprint = Blueprint("sms", __name__, url_prefix="/sms")


@blueprint.errorhandler(Exception)
def registry_unavailable(error: Exception) -> Response | HTTPException:
    """The database or the queue failed: a short reply saying nothing was recorded."""
    if isinstance(error, HTTPException):
        return error
    log_failure(error)
    return twiml(replies.UNAVAILABLE)


@blueprint.post("/inbound")
@twilio_signed
@answer_first
def inbound() -> Response:
    """One text in, at most one text back (none for a phone over its limit: a flood is dropped)."""
    if not limits.within("rate_sms", limits.by_sender):
        return twiml(None)
    form = request.form
    message_sid = form.get("MessageSid") or form.get("SmsSid") or ""
    if not message_sid:
        abort(400)
    message = Inbound(
        *(
            _text(value)
            for value in (
                message_sid[:64],
                form.get("From", ""),
                form.get("To", ""),
                form.get("Body", ""),
            )
        )
    )
    running = services.current()
    with session_scope() as session:
        reply = receive(session, message, running.settings, running.now())
    return twiml(reply)


def _text(value: str) -> str:
    """PostgreSQL text holds no NUL character, and no marshal means one."""
    return value.replace("\x00", "")


def twiml(reply: str | None) -> Response:
    """<Response><Message>…</Message></Response>, or an empty <Response/> for no answer."""
    response = MessagingResponse()
    if reply:
        response.message(reply)
    return Response(str(response), mimetype="application/xml")
