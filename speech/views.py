"""The local-speech (Vosk) webhook steps under /ivr/vosk: recorded → poll → back to the IVR.

``recorded`` claims the utterance (once per CallSid + RecordingSid), queues its decoding after
commit and answers at once; ``poll`` answers in milliseconds, sending the caller back to the
phone line's step with ``vosk=<id>`` when the result is in, or ``vosk=timeout`` after about
eight seconds (the phone line then offers the keypad).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from flask import Blueprint, Response, current_app, request, url_for
from sqlalchemy import select
from twilio.twiml.voice_response import VoiceResponse
from werkzeug.exceptions import HTTPException

from core import jobs
from core.db import insert_ignore, session_scope, utcnow
from edge.signature import log_failure, twilio_signed
from speech.grammar import GRAMMARS
from speech.models import DONE, FAILED, Recognition
from speech.roundtrip import DEFAULT_GRAMMAR, TIMEOUT, Heard, Recorded
from speech.startup import announce

log = logging.getLogger(__name__)
blueprint = Blueprint("speech", __name__, url_prefix="/ivr/vosk")
WAIT_AT_MOST = timedelta(seconds=8)
RECOGNISE_JOB = "speech.jobs.recognise"
FORGET_JOB = "speech.jobs.forget_recording"
KEYS = set("0123456789*")  # a key that ended a menu's recording ("#" only ends it)


@blueprint.record_once
def _on_register(state: Any) -> None:
    announce(state.app.config["SERVELINE"])


@blueprint.errorhandler(Exception)
def registry_unavailable(error: Exception) -> Response | HTTPException:
    """The database or the queue failed: back to the phone line's step as a recognition that
    timed out (that step says what the line can do), valid TwiML either way."""
    if isinstance(error, HTTPException):
        return error
    log_failure(error)
    resume = safe_resume(Recorded.read(request.args).resume)
    if resume is None:
        return twiml(_hang_up())
    return twiml(redirect_to(VoiceResponse(), Heard(vosk=TIMEOUT).onto(resume)))


@blueprint.post("/recorded")
@twilio_signed
def recorded() -> Response:
    """Twilio's <Record> action: claim the utterance, queue its decoding, start polling."""
    asked = Recorded.read(request.args)
    resume = safe_resume(asked.resume)
    if resume is None:
        return twiml(_hang_up())
    recording_sid = request.form.get("RecordingSid", "")
    key = request.form.get("Digits", "")
    if key in KEYS:
        return twiml(redirect_to(VoiceResponse(), keyed(resume, key, recording_sid)))
    if not recording_sid or request.form.get("RecordingDuration") == "0":
        return twiml(redirect_to(VoiceResponse(), Heard(vosk=TIMEOUT).onto(resume)))
    with session_scope() as session:
        recognition_id = claim(
            session, request.form.get("CallSid", ""), recording_sid, Recorded(resume, asked.grammar)
        )
    return twiml(polling(recognition_id))


def keyed(resume: str, key: str, recording_sid: str) -> str:
    """A key ended the recording: that key is the answer; the recording is not wanted."""
    if recording_sid:
        with session_scope() as session:
            jobs.enqueue_after_commit(
                session, FORGET_JOB, recording_sid, job_id=f"forget-{recording_sid}", queue="speech"
            )
    return Heard(key=key).onto(resume)


def claim(session: Any, call_sid: str, recording_sid: str, asked: Recorded) -> int:
    """The recognition for this utterance: a new one (decoded after commit) or the first."""
    step = asked.grammar if asked.grammar in GRAMMARS else DEFAULT_GRAMMAR
    values = {
        "call_sid": call_sid,
        "recording_sid": recording_sid,
        "resume_url": asked.resume,
        "step": step,
        "status": "queued",
        "created_at": utcnow(),
    }
    inserted = insert_ignore(session, Recognition.__table__, values)
    recognition_id = session.scalar(
        select(Recognition.id).where(
            Recognition.call_sid == call_sid, Recognition.recording_sid == recording_sid
        )
    )
    if inserted:
        jobs.enqueue_after_commit(
            session,
            RECOGNISE_JOB,
            recognition_id,
            job_id=f"recognise-{recognition_id}",
            queue="speech",
        )
    return int(recognition_id)


@blueprint.post("/poll")
@twilio_signed
def poll() -> Response:
    """Back to the phone line when the result is in (or too late); otherwise wait a second."""
    with session_scope() as session:
        wanted = request.args.get("id", "")
        found = wanted.isascii() and wanted.isdigit() and len(wanted) < 10
        row = session.get(Recognition, int(wanted)) if found else None
        if row is None:
            return twiml(_hang_up())
        outcome = _outcome(row)
        resume = row.resume_url
    if outcome is None:
        return twiml(polling(row.id))
    return twiml(redirect_to(VoiceResponse(), Heard(vosk=outcome).onto(resume)))


def _outcome(row: Recognition) -> str | None:
    if row.status == DONE:
        return str(row.id)
    if row.status == FAILED or utcnow() - row.created_at >= WAIT_AT_MOST:
        return TIMEOUT
    return None


def polling(recognition_id: int) -> VoiceResponse:
    response = VoiceResponse()
    response.pause(length=1)
    return redirect_to(response, url_for("speech.poll", id=recognition_id))


def redirect_to(response: VoiceResponse, url: str) -> VoiceResponse:
    response.redirect(url, method="POST")
    return response


def safe_resume(resume: str) -> str | None:
    """Only a path of the phone line on this host (never another site)."""
    base = (current_app.config["SERVELINE"].public_base_url or "").rstrip("/")
    if base and resume.startswith(base + "/"):
        resume = resume[len(base) :]
    if not resume.startswith("/ivr/") or resume.startswith("//") or "\\" in resume:
        return None
    return resume


def _hang_up() -> VoiceResponse:
    response = VoiceResponse()
    response.hangup()
    return response


def twiml(response: VoiceResponse) -> Response:
    return Response(str(response), mimetype="text/xml")
