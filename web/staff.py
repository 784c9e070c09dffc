"""Registry Section pages: calls, a call with its recording and log, texts, a text."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, current_app, render_template, request, send_file
from sqlalchemy import select

from core import words
from core.db import session_scope
from core.models import Activity, CallLog, MessageLog
from speech.engine import local_engine
from speech.models import SpokenComment
from speech.transcripts import transcript_words
from web import logs
from web.security import found_or_404, page_blueprint, staff_only

blueprint = page_blueprint("staff", __name__, url_prefix="/staff")


def zone() -> ZoneInfo:
    return current_app.config["SERVELINE"].zone


@blueprint.route("/calls")
@staff_only
def calls() -> Any:
    """Every call, newest first, 25 a page, with filters."""
    wanted = logs.filter_from(request.args)
    with session_scope() as db:
        page = logs.calls_page(db, wanted, zone())
        return render_template(
            "calls.html",
            page=page,
            wanted=wanted,
            marshals=logs.marshals(db),
            outcome=logs.call_outcome,
            duration=logs.duration,
            words=words,
            recorded=logs.activities_of_calls(db, page.rows),
        )


@blueprint.route("/calls/<int:call_id>")
@staff_only
def call(call_id: int) -> Any:
    """One call: every activity it recorded, recording, transcript, step-by-step log."""
    with session_scope() as db:
        found = found_or_404(db, CallLog, call_id)
        return render_template(
            "call.html",
            call=found,
            steps=logs.exchanges(found.steps),
            outcome=logs.call_outcome(found),
            duration=logs.duration(found),
            transcript=transcript_words(found.transcript),
            comments=_comments_of(db, found.id),
            words_of=transcript_words,
            transcripts_on=_transcripts_on(),
            activities=logs.activities_of_calls(db, [found])[found.id],
            words=words,
        )


def _transcripts_on() -> bool:
    return local_engine(current_app.config["SERVELINE"]) is not None


def _comments_of(db: Any, call_id: int) -> list[SpokenComment]:
    statement = select(SpokenComment).where(SpokenComment.call_id == call_id)
    return list(db.scalars(statement.order_by(SpokenComment.id)))


def _activity_of(db: Any, activity_id: int | None) -> Any:
    return db.get(Activity, activity_id) if activity_id else None


def recording_file(stored: str | None) -> Path | None:
    """The recording on disk, only when it lies inside RECORDINGS_DIR."""
    if not stored:
        return None
    folder = Path(current_app.config["SERVELINE"].recordings_dir).resolve()
    path = Path(stored)
    path = (path if path.is_absolute() else folder / path).resolve()
    if not path.is_relative_to(folder) or not path.is_file():
        return None
    return path


@blueprint.route("/calls/<int:call_id>/recording")
@staff_only
def recording(call_id: int) -> Any:
    """The call's audio, with HTTP Range support so the player can seek."""
    with session_scope() as db:
        found = db.get(CallLog, call_id)
        return _audio(found.recording_path if found else None)


@blueprint.route("/calls/<int:call_id>/comments/<int:comment_id>/recording")
@staff_only
def comment_recording(call_id: int, comment_id: int) -> Any:
    """A spoken comment's audio."""
    with session_scope() as db:
        found = db.get(SpokenComment, comment_id)
        return _audio(found.recording_path if found and found.call_id == call_id else None)


def _audio(stored: str | None) -> Any:
    path = recording_file(stored)
    if path is None:
        abort(404)
    kind = (
        "audio/wav"
        if path.suffix == ".wav"
        else (mimetypes.guess_type(path.name)[0] or "application/octet-stream")
    )
    response = send_file(path, mimetype=kind, conditional=True, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blueprint.route("/texts")
@staff_only
def texts() -> Any:
    """Every text message, newest first, 25 a page, with filters."""
    wanted = logs.filter_from(request.args)
    with session_scope() as db:
        page = logs.texts_page(db, wanted, zone())
        return render_template(
            "texts.html",
            page=page,
            wanted=wanted,
            marshals=logs.marshals(db),
            outcome=logs.text_outcome,
            outcome_words=words.TEXT_OUTCOMES,
        )


@blueprint.route("/texts/<int:message_id>")
@staff_only
def text(message_id: int) -> Any:
    """One text message and the reply it got, in its conversation, with all it recorded."""
    with session_scope() as db:
        found = found_or_404(db, MessageLog, message_id)
        talk = logs.conversation(db, found, zone())
        return render_template(
            "text.html",
            message=found,
            conversation=talk,
            outcome=logs.text_outcome,
            words=words,
            looked_up=_activity_of(db, found.activity_id),
            activities=logs.recorded_by_texts(db, talk),
        )
