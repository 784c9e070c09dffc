"""Recordings of a call: fetch the audio from Twilio, keep it, delete it there, queue a transcript.

Two kinds: the whole call's recording, and each spoken "other" comment. Each fetch is claimed
once (a conditional UPDATE, committed) before Twilio is asked, so a job run twice, or re-queued
by the sweeper while the first still runs, fetches once. A failed fetch is tried again after
10 s, 30 s, 1, 2 and 4 minutes; after the last try the row is ``failed`` with the reason, and
the staff "Needs attention" page counts it. Twilio keeps the audio until ours is safe.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import requests
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from core import jobs, services
from core.db import session_scope, utcnow
from core.models import CallLog
from speech import recordings
from speech.models import FAILED, KEPT, QUEUED, SpokenComment

log = logging.getLogger(__name__)
TRANSCRIBE_CALL_JOB = "speech.jobs.transcribe_call"
TRANSCRIBE_COMMENT_JOB = "speech.jobs.transcribe_comment"
FETCH_RECORDING_JOB = "ivr.jobs.fetch_recording"
FETCH_COMMENT_JOB = "ivr.jobs.fetch_comment"
CALL_RECORDING_TIMEOUT = 60
BACK_OFF = (10, 30, 60, 120, 240)  # seconds before tries 2..6
TRIES = len(BACK_OFF) + 1
LEASE = timedelta(minutes=5)  # a claimed fetch is not claimed again before this
STALE_AFTER = timedelta(seconds=60)


@dataclass(frozen=True)
class Fetch:
    """Where one kind of recording keeps its fetch: its row and columns, its jobs."""

    model: Any
    status: str
    error: str
    tries: str
    next_try: str
    since: str  # when it was first owed (rows from before tries were kept)
    transcribe_job: str
    timeout: float

    def column(self, name: str) -> Any:
        return getattr(self.model, getattr(self, name))


CALL = Fetch(
    CallLog,
    "recording_status",
    "recording_error",
    "recording_tries",
    "recording_next_try_at",
    "started_at",
    TRANSCRIBE_CALL_JOB,
    CALL_RECORDING_TIMEOUT,
)
COMMENT = Fetch(
    SpokenComment,
    "status",
    "error",
    "tries",
    "next_try_at",
    "created_at",
    TRANSCRIBE_COMMENT_JOB,
    recordings.TIMEOUT_SECONDS,
)


def fetch_recording(call_log_id: int, recording_sid: str) -> str:
    """Download a call's recording with Twilio credentials and queue its transcript."""
    with session_scope() as session:
        call = session.get(CallLog, call_log_id)
        if call is None:
            return "no such call"
        if call.recording_status == KEPT and call.recording_path:
            return "already fetched"
        if call.recording_status is None:  # queued before fetches were tracked
            call.recording_sid, call.recording_status = recording_sid, QUEUED
    return _fetch(CALL, call_log_id)


def fetch_comment(comment_id: int) -> str:
    """Download a spoken comment, keep it with its call, and queue its transcript."""
    return _fetch(COMMENT, comment_id)


def _fetch(kind: Fetch, row_id: int) -> str:
    running = services.current()
    settings = running.settings
    claimed = _claim(kind, row_id, utcnow())
    if claimed is None:
        return "not owed"
    call_sid, sid, tries = claimed
    try:
        wav = recordings.fetch_recording(running.twilio, sid, timeout=kind.timeout)
        path = recordings.keep_recording(settings, call_sid, sid, wav)
    except (recordings.RecordingUnavailable, requests.RequestException, OSError) as error:
        return _failed_try(kind, row_id, tries, reason(error))
    _kept(kind, row_id, str(path))
    if settings.delete_recordings_at_twilio:
        recordings.delete_recording(running.twilio, sid)
    return "fetched"


def _claim(kind: Fetch, row_id: int, now: datetime) -> tuple[str, str, int] | None:
    """Take the fetch for this try (committed before Twilio is asked): call sid, recording sid
    and the try's number; None when it is kept, failed, or another run holds it."""
    due = or_(kind.column("next_try").is_(None), kind.column("next_try") <= now)
    with session_scope() as session:
        taken = session.execute(
            update(kind.model)
            .where(kind.model.id == row_id, kind.column("status") == QUEUED, due)
            .values({kind.tries: kind.column("tries") + 1, kind.next_try: now + LEASE})
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            return None
        row = session.get(kind.model, row_id)
        return _call_sid(session, row), _sid(row), int(getattr(row, kind.tries))


def _call_sid(session: Session, row: Any) -> str:
    if isinstance(row, CallLog):
        return row.call_sid
    call = session.get(CallLog, row.call_id)
    assert call is not None
    return call.call_sid


def _sid(row: Any) -> str:
    return str(row.recording_sid)


def _kept(kind: Fetch, row_id: int, path: str) -> None:
    with session_scope() as session:
        row = session.get(kind.model, row_id)
        assert row is not None
        setattr(row, kind.status, KEPT)
        setattr(row, kind.error, None)
        setattr(row, kind.next_try, None)
        row.recording_path = path
        if isinstance(row, SpokenComment):
            row.kept_at = utcnow()
        jobs.enqueue_after_commit(
            session,
            kind.transcribe_job,
            row_id,
            job_id=_transcribe_job_id(kind, row_id),
            queue="speech",
        )


def _transcribe_job_id(kind: Fetch, row_id: int) -> str:
    return f"transcribe-{row_id}" if kind is CALL else f"transcribe-comment-{row_id}"


def _failed_try(kind: Fetch, row_id: int, tries: int, why: str) -> str:
    """Try again after the next back-off, or, after the last try, mark it failed."""
    log.warning(
        "fetch of %s %s failed (try %s of %s): %s",
        kind.model.__tablename__,
        row_id,
        tries,
        TRIES,
        why,
    )
    last = tries >= TRIES
    with session_scope() as session:
        row = session.get(kind.model, row_id)
        assert row is not None
        setattr(row, kind.error, why)
        delay = 0 if last else BACK_OFF[tries - 1]
        setattr(row, kind.status, FAILED if last else QUEUED)
        setattr(row, kind.next_try, None if last else utcnow() + timedelta(seconds=delay))
        args = _job_args(row)
    if last:
        return "failed"
    jobs.current().enqueue(
        _job(kind),
        *args,
        job_id=f"{_job_key(kind, args)}-try-{tries + 1}",
        queue="default",
        delay=delay,
    )
    return "retry"


def _job(kind: Fetch) -> str:
    return FETCH_RECORDING_JOB if kind is CALL else FETCH_COMMENT_JOB


def _job_args(row: Any) -> tuple[Any, ...]:
    return (row.id, row.recording_sid) if isinstance(row, CallLog) else (row.id,)


def _job_key(kind: Fetch, args: tuple[Any, ...]) -> str:
    return f"recording-{args[1]}" if kind is CALL else f"comment-{args[0]}"


def reason(error: Exception) -> str:
    """Why a fetch failed, for staff."""
    if isinstance(error, recordings.RecordingUnavailable):
        return str(error)
    if isinstance(error, requests.RequestException):
        return f"Twilio could not be reached ({type(error).__name__})"
    return f"the recording could not be kept here ({type(error).__name__}: {error})"


def stuck(session: Session, kind: Fetch, now: datetime) -> list[Any]:
    """Rows still queued a minute after they were due: their job was lost (or its worker)."""
    due = func.coalesce(kind.column("next_try"), kind.column("since"))
    statement = select(kind.model).where(kind.column("status") == QUEUED, due <= now - STALE_AFTER)
    return list(session.scalars(statement.order_by(kind.model.id)))


def requeue_stuck_fetches(now: datetime | None = None) -> int:
    """The sweeper's part: queue again each fetch a lost job left queued; how many."""
    moment = now or utcnow()
    owed: list[tuple[Fetch, tuple[Any, ...]]] = []
    with session_scope() as session:
        for kind in (CALL, COMMENT):
            owed += [(kind, _job_args(row)) for row in stuck(session, kind, moment)]
    for kind, args in owed:
        jobs.current().enqueue(
            _job(kind),
            *args,
            queue="default",
            job_id=f"{_job_key(kind, args)}-swept-{moment:%Y%m%d%H%M}",
        )
    return len(owed)
