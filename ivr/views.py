"""Twilio Voice webhooks of the phone line: translate requests, render the flow's replies."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, current_app, request
from twilio.twiml.voice_response import VoiceResponse
from werkzeug.exceptions import HTTPException

from core import services
from core.db import session_scope
from core.settings import Settings
from edge import limits
from edge.answer_first import answer_first
from edge.signature import log_failure, twilio_signed
from ivr import calls, prompts
from ivr.calls import Webhook
from ivr.twiml import unavailable
from speech.roundtrip import Heard

blueprint = Blueprint("ivr", __name__, url_prefix="/ivr")


def _settings() -> Settings:
    settings: Settings = current_app.config["SERVELINE"]
    return settings


def _hook() -> Webhook:
    base = _settings().public_base_url or request.host_url
    form = {name: value.replace("\x00", "") for name, value in request.form.items()}
    heard = Heard.read(request.args)
    return Webhook(
        call_sid=form.get("CallSid", ""),
        form=form,
        base_url=base,
        step=request.args.get("n", "0"),
        vosk=heard.vosk,
        key=heard.key,
        now=services.current().now(),
    )


def _twiml(answer: Callable[..., str]) -> Response:
    with session_scope() as session:
        xml = answer(session, _settings(), _hook())
    return Response(xml, mimetype="text/xml")


@blueprint.errorhandler(Exception)
def registry_unavailable(error: Exception) -> Response | HTTPException:
    """The database or the queue failed: valid TwiML that says nothing was recorded."""
    if isinstance(error, HTTPException):
        return error
    log_failure(error)
    if request.path in ("/ivr/voice", "/ivr/step"):
        return Response(unavailable(request.full_path.rstrip("?")), mimetype="text/xml")
    return Response("<Response/>", status=503, mimetype="text/xml")  # a callback: try again


@blueprint.post("/voice")
@twilio_signed
@answer_first
def voice() -> Response:
    """Twilio's Voice URL: an incoming call (a caller over the limit hears a polite goodbye)."""
    if not limits.within("rate_ivr", limits.by_sender):
        return Response(too_many_calls(), mimetype="text/xml")
    return _twiml(calls.incoming_call)


def too_many_calls() -> str:
    response = VoiceResponse()
    response.say(prompts.TOO_MANY_CALLS)
    response.hangup()
    return str(response)


@blueprint.post("/step")
@twilio_signed
@answer_first
def step() -> Response:
    """Every Gather action and Redirect of a call comes here (?n= names the step)."""
    return _twiml(calls.next_step)


@blueprint.post("/status")
@twilio_signed
def status() -> Response:
    """Call status callback: the call ended."""
    with session_scope() as session:
        calls.call_ended(session, _hook())
    return Response("", status=204)


@blueprint.post("/recording")
@twilio_signed
def recording() -> Response:
    """Recording status callback: fetch the call recording."""
    with session_scope() as session:
        calls.recording_ready(session, _hook())
    return Response("", status=204)
