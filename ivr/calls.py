"""One webhook step of a call: claim it once, run the flow, keep the answer and the call log.

Twilio retries a webhook it did not hear back from; the (call, step) row is claimed with an
INSERT … ON CONFLICT DO NOTHING, so a retry gets the stored answer and nothing is done twice.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from core.db import insert_ignore, insert_new, keep_loaded, undo, update_if_inserted, utcnow
from core.jobs import enqueue_after_commit
from core.models import CallLog, CallStep
from core.settings import Settings
from ivr import flow
from ivr.activity_steps import queue_comment_fetch
from ivr.machine import Call, CallRow, Input, Reply
from ivr.state import CallState
from ivr.steplog import understood
from ivr.twiml import Urls, hang_up, pause, render
from speech.models import QUEUED
from speech.results import hypotheses_for
from speech.understand import Hypothesis

STEP_PATH = "/ivr/step"
RECORDING_PATH = "/ivr/recording"
KEEPS = ("recorded",)
RECORD_VERB = "RecordVerb"  # Twilio's RecordingSource for a <Record> (a spoken comment)
FETCH_RECORDING_JOB = "ivr.jobs.fetch_recording"
KEYS = re.compile(r"[0-9*#]*")
CALL_STATUSES = ("completed", "busy", "failed", "no-answer", "canceled")
NUMBER_LENGTH = 255  # call_log.from_number: SIP and client callers are long URIs


@dataclass(frozen=True)
class Webhook:
    """The parts of a Twilio request the phone line reads."""

    call_sid: str
    form: Mapping[str, str]
    base_url: str
    now: datetime  # the moment of this step, by the services' clock
    step: str = "0"
    vosk: str | None = None
    key: str | None = None  # a key that ended a local-speech recording


def incoming_call(session: Session, settings: Settings, hook: Webhook) -> str:
    """The first answer of a call: the greeting and the first sign-in prompt."""
    keep_loaded(session)
    new = insert_new(
        session,
        LOGS,
        {
            "call_sid": hook.call_sid,
            "from_number": _number(hook.form.get("From")),
            "to_number": _number(hook.form.get("To")),
            "started_at": hook.now,
            "state": {"seq": 0},
        },
        ROW_COLUMNS,
    )
    # A row this request inserted is its own until it commits (a twin's INSERT waits on it) and
    # has no steps yet; a row already there is Twilio's retry, locked and read as at any step.
    taken = (CallRow(**new._mapping), None) if new is not None else _locked_log(session, hook)
    assert taken is not None
    return _take(
        session,
        settings,
        taken,
        hook,
        None,
        lambda call: flow.start(call, hook.form.get("From", ""), hook.form.get("StirVerstat", "")),
    )


def _number(text: str | None) -> str | None:
    return text[:NUMBER_LENGTH] if text else None


def next_step(session: Session, settings: Settings, hook: Webhook) -> str:
    """The answer to what the caller gave at one step."""
    taken = _locked_log(session, hook)
    if taken is None:
        return hang_up()
    given = read_input(session, hook)
    return _take(session, settings, taken, hook, given, lambda call: flow.respond(call, given))


# Built once: a statement built per request costs more CPU than the database takes to run it.
LOGS = cast(Table, CallLog.__table__)
ROW_COLUMNS = tuple(f.name for f in fields(CallRow))
# The step row is written as a table, not through the ORM (no entity, no session bookkeeping).
STEP_TABLE = cast(Table, CallStep.__table__)
# The call row, locked, with the answer already given at this step if there is one (a retry).
LOCK_LOG = (
    select(*(LOGS.c[name] for name in ROW_COLUMNS), STEP_TABLE.c.response)
    .outerjoin(
        STEP_TABLE,
        (STEP_TABLE.c.call_id == LOGS.c.id) & (STEP_TABLE.c.step_key == bindparam("step_key")),
    )
    .where(LOGS.c.call_sid == bindparam("sid"))
    .with_for_update(of=LOGS)
)
CHANGEABLE = tuple(name for name in ROW_COLUMNS if name not in ("id", "call_sid"))
WRITE_LOG = (
    update(LOGS)
    .where(LOGS.c.id == bindparam("row_id"))
    .values({name: bindparam(name, type_=LOGS.c[name].type) for name in CHANGEABLE})
)
STORED_ANSWER = select(STEP_TABLE.c.response).where(
    STEP_TABLE.c.call_id == bindparam("call_id"), STEP_TABLE.c.step_key == bindparam("step_key")
)


def _locked_log(session: Session, hook: Webhook) -> tuple[CallRow, str | None] | None:
    """The call row, locked (one step of a call at a time, whichever web process answers it),
    and the answer this step already has; None for a call not on file."""
    keep_loaded(session)
    found = session.execute(LOCK_LOG, {"sid": hook.call_sid, "step_key": hook.step}).first()
    if found is None:
        return None
    columns = found._mapping
    return CallRow(**{name: columns[name] for name in ROW_COLUMNS}), columns["response"]


def _written(session: Session, log: CallRow, step: dict[str, Any]) -> bool:
    """The step row, and the call row back as the step left it, in one statement; False when
    the step row was there already (nothing written)."""
    values = {name: getattr(log, name) for name in CHANGEABLE}
    return update_if_inserted(session, STEP_TABLE, step, WRITE_LOG, {"row_id": log.id, **values})


def read_input(session: Session, hook: Webhook) -> Input:
    """Twilio's form (or a local recognition's result) as a neutral input."""
    form = hook.form
    if hook.key:
        return Input(digits=hook.key)
    if hook.vosk is not None:
        return _vosk_input(session, hook.vosk)
    if form.get("SpeechResult"):
        return Input(speech=(Hypothesis(form["SpeechResult"], _confidence(form)),))
    digits = form.get("Digits", "").strip()
    if not KEYS.fullmatch(digits) and digits != "hangup":
        digits = "?"  # not keys a phone has (non-ASCII digits): not understood
    if form.get("RecordingUrl"):
        seconds = form.get("RecordingDuration", "")
        return Input(
            digits=digits,
            recording_url=form["RecordingUrl"],
            recording_sid=form.get("RecordingSid"),
            recording_seconds=_seconds(seconds),
        )
    return Input(digits="" if digits == "hangup" else digits)


def _confidence(form: Mapping[str, str]) -> float | None:
    try:
        confidence = float(form.get("Confidence") or 0)
    except ValueError:
        return None
    return confidence if 0 < confidence <= 1 else None


def _vosk_input(session: Session, recognition: str) -> Input:
    wanted = recognition.isascii() and recognition.isdigit() and len(recognition) < 10
    found = hypotheses_for(session, int(recognition)) if wanted else None
    return Input(speech=tuple(found)) if found else Input(speech_failed=True)


def _take(
    session: Session,
    settings: Settings,
    taken: tuple[CallRow, str | None],
    hook: Webhook,
    given: Input | None,
    act: Callable[[Call], Reply],
) -> str:
    started = time.perf_counter()
    log, answered = taken
    if answered is not None:  # Twilio's retry of a step already answered: the same answer
        return answered
    row: dict[str, Any] = {}  # what the step row keeps: written once, at the end
    state = CallState.read(log.state)
    call = Call(session, settings, log, state, hook.now, hook.step)
    if given is not None and hook.step != str(state.seq):
        reply = flow.respond(call, Input(resume=True))  # stale or out of order: repeat the prompt
    else:
        before = call.at
        reply = act(call)
        _describe(row, before, given)
        if given is not None:
            row["understood"] = understood(
                session, settings.zone, log.state or {}, call.state.stored(), given, reply
            )
    xml = _finish(settings, log, call, row, reply, hook, started)
    step = {"call_id": log.id, "step_key": hook.step, "created_at": hook.now, **row}
    if not _written(session, log, step):
        return _answered_meanwhile(session, log.id, hook.step)
    return xml


def _answered_meanwhile(session: Session, call_id: int, step_key: str) -> str:
    """Twilio's retry arrived while the first try held the call: it read the row the first try
    left, but not that try's step row (the lock's re-read is of the call row alone). What this
    one did is undone, and it gives the first try's answer."""
    undo(session)
    stored = session.scalar(STORED_ANSWER, {"call_id": call_id, "step_key": step_key})
    return stored or pause()


def _finish(
    settings: Settings,
    log: CallRow,
    call: Call,
    row: dict[str, Any],
    reply: Reply,
    hook: Webhook,
    started: float,
) -> str:
    call.state.seq += 1
    urls = Urls(
        action=f"{STEP_PATH}?n={call.state.seq}",
        recording_callback=hook.base_url.rstrip("/") + RECORDING_PATH,
    )
    xml = render(reply, urls, settings.ivr_speech)
    log.state = call.state.stored()
    log.last_step = reply.state
    if reply.outcome and log.outcome not in KEEPS:
        log.outcome = reply.outcome
    row.update(
        prompt=" ".join(reply.texts),
        response=xml,
        outcome=reply.outcome,
        duration_ms=int((time.perf_counter() - started) * 1000),
    )
    return xml


def _describe(row: dict[str, Any], before: str, given: Input | None) -> None:
    """What the caller gave, for the call log: never the PIN."""
    row["state_name"] = before if given is not None else "start"
    if given is None:
        return
    if flow.STEPS[before].redact and given.digits:
        # a PIN keyed at the marshal-number prompt is a PIN too: neither is kept
        row["input_redacted"] = "PIN withheld" if before == "pin" else "digits withheld"
    elif given.recording_sid:
        row["input_redacted"] = f"recording {given.recording_sid}"
    else:
        row["input_redacted"] = given.digits or None
    if given.speech:
        row["recognition"] = given.speech[0].text
        row["confidence"] = given.speech[0].confidence


def call_ended(session: Session, hook: Webhook) -> None:
    """Status callback: the call is over; where it ended stays in last_step."""
    log = session.scalar(select(CallLog).where(CallLog.call_sid == hook.call_sid))
    if log is None:
        return
    status = hook.form.get("CallStatus", "completed")
    status = status if status in CALL_STATUSES else "completed"
    if not insert_ignore(
        session,
        STEP_TABLE,
        {
            "call_id": log.id,
            "step_key": f"status-{status}",
            "created_at": hook.now,
            "state_name": log.last_step,
            "outcome": status,
        },
    ):
        return
    log.ended_at = hook.now
    log.duration_seconds = _seconds(hook.form.get("CallDuration", "")) or None
    if log.outcome is None:
        log.outcome = "hung up" if status == "completed" else status


def _seconds(text: str) -> int | None:
    """Twilio's CallDuration or RecordingDuration: whole seconds in ASCII digits, else None."""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 9 else None


def recording_ready(session: Session, hook: Webhook) -> None:
    """Recording status callback: fetch the call recording (or a spoken comment) once complete."""
    sid = hook.form.get("RecordingSid", "")
    log = session.scalar(select(CallLog).where(CallLog.call_sid == hook.call_sid))
    if log is None or not sid or hook.form.get("RecordingStatus", "completed") != "completed":
        return
    if hook.form.get("RecordingSource") == RECORD_VERB:
        queue_comment_fetch(session, sid)  # the <Record> action queued it too: same job id
        return
    if log.recording_status is not None:
        return  # Twilio sent the callback again
    # due at once by the worker's own time (the fetch job compares it with the database's now)
    log.recording_sid, log.recording_status, log.recording_next_try_at = sid, QUEUED, utcnow()
    enqueue_after_commit(
        session, FETCH_RECORDING_JOB, log.id, sid, job_id=f"recording-{sid}", queue="default"
    )
