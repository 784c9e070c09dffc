"""Call recordings: fetch the audio from Twilio, keep it, delete it there, queue its transcript."""

from __future__ import annotations

import logging
from pathlib import Path

import requests

from core import jobs
from core.db import session_scope
from core.models import CallLog
from core.settings import Settings, load_settings

log = logging.getLogger(__name__)
TRANSCRIBE_JOB = "speech.jobs.transcribe_call"


def fetch_recording(call_log_id: int, recording_sid: str) -> str:
    """Download a call's recording with Twilio credentials; idempotent on the recording sid."""
    settings = load_settings()
    with session_scope() as session:
        call = session.get(CallLog, call_log_id)
        if call is None:
            return "no such call"
        if call.recording_sid == recording_sid and call.recording_path:
            return "already fetched"
        path = _download(settings, call.call_sid, recording_sid)
        call.recording_sid = recording_sid
        call.recording_path = str(path)
        jobs.enqueue_after_commit(session, TRANSCRIBE_JOB, call_log_id,
                                  job_id=f"transcribe-{call_log_id}", queue="speech")
    if settings.delete_recordings_at_twilio:
        _delete(settings, recording_sid)
    return str(path)


def recording_url(settings: Settings, recording_sid: str, extension: str) -> str:
    base = settings.twilio_api_base.rstrip("/")
    return (f"{base}/2010-04-01/Accounts/{settings.twilio_account_sid}/Recordings/"
            f"{recording_sid}.{extension}")


def _auth(settings: Settings) -> tuple[str, str]:
    return (settings.twilio_account_sid, settings.twilio_auth_token)


def _download(settings: Settings, call_sid: str, recording_sid: str) -> Path:
    answer = requests.get(recording_url(settings, recording_sid, "wav"), auth=_auth(settings),
                          timeout=60)
    answer.raise_for_status()
    if not answer.content:
        raise RuntimeError(f"recording {recording_sid} came back empty")
    folder = settings.recordings_dir / call_sid
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{recording_sid}.wav"
    partial = path.with_suffix(".part")
    partial.write_bytes(answer.content)
    partial.replace(path)  # a whole file or none: the verified download is what we delete for
    return path


def _delete(settings: Settings, recording_sid: str) -> None:
    answer = requests.delete(recording_url(settings, recording_sid, "json"),
                             auth=_auth(settings), timeout=30)
    if answer.status_code not in (204, 404):
        log.warning("Twilio kept recording %s: HTTP %s", recording_sid, answer.status_code)
