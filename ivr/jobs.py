"""Recordings of a call: fetch the audio from Twilio, keep it, delete it there, queue a transcript.

Two kinds: the whole call's recording, and each spoken "other" comment. Both jobs are idempotent
on the recording sid; a failed fetch raises, so the queue tries again (Twilio keeps the audio
until ours is safe).
"""

from __future__ import annotations

from core import jobs
from core.db import session_scope, utcnow
from core.models import CallLog
from core.settings import load_settings
from speech import recordings
from speech.models import KEPT, SpokenComment

TRANSCRIBE_CALL_JOB = "speech.jobs.transcribe_call"
TRANSCRIBE_COMMENT_JOB = "speech.jobs.transcribe_comment"
CALL_RECORDING_TIMEOUT = 60


def fetch_recording(call_log_id: int, recording_sid: str) -> str:
    """Download a call's recording with Twilio credentials and queue its transcript."""
    settings = load_settings()
    with session_scope() as session:
        call = session.get(CallLog, call_log_id)
        if call is None:
            return "no such call"
        if call.recording_sid == recording_sid and call.recording_path:
            return "already fetched"
        wav = recordings.fetch_recording(settings, recording_sid, timeout=CALL_RECORDING_TIMEOUT)
        path = recordings.keep_recording(settings, call.call_sid, recording_sid, wav)
        call.recording_sid, call.recording_path = recording_sid, str(path)
        jobs.enqueue_after_commit(session, TRANSCRIBE_CALL_JOB, call_log_id,
                                  job_id=f"transcribe-{call_log_id}", queue="speech")
    if settings.delete_recordings_at_twilio:
        recordings.delete_recording(settings, recording_sid)
    return "fetched"


def fetch_comment(comment_id: int) -> str:
    """Download a spoken comment, keep it with its call, and queue its transcript."""
    settings = load_settings()
    with session_scope() as session:
        comment = session.get(SpokenComment, comment_id)
        if comment is None:
            return "no such comment"
        if comment.status == KEPT:
            return "already fetched"
        call = session.get(CallLog, comment.call_id)
        assert call is not None
        wav = recordings.fetch_recording(settings, comment.recording_sid)
        path = recordings.keep_recording(settings, call.call_sid, comment.recording_sid, wav)
        comment.recording_path, comment.status, comment.kept_at = str(path), KEPT, utcnow()
        sid = comment.recording_sid
        jobs.enqueue_after_commit(session, TRANSCRIBE_COMMENT_JOB, comment_id,
                                  job_id=f"transcribe-comment-{comment_id}", queue="speech")
    if settings.delete_recordings_at_twilio:
        recordings.delete_recording(settings, sid)
    return "fetched"
