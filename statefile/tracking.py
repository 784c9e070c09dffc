"""A state-file message's life: pending → sending → sent → accepted, or rejected, or dead.

Every move is one conditional UPDATE, so a job run twice, two workers, or an answer read twice
never sends a message twice nor undoes a final answer. A message is claimed only when every
earlier message of its docket has gone (a correction never overtakes what it corrects).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from core import jobs
from core.db import after_commit
from core.state_file import (
    NOT_YET_SENT,
    QUEUE,
    SEND_JOB,
    MessageStatus,
    StateFileMessage,
    send_after_commit,
)
from statefile.providers import ACCEPTED, RECEIVED, REJECTED, Answer

PENDING = MessageStatus.PENDING.value
SENDING = MessageStatus.SENDING.value
SENT = MessageStatus.SENT.value
DEAD = MessageStatus.DEAD.value
# A hand-over that failed is tried again after 1, 5, 15, 60 and 240 minutes, then it is dead.
BACKOFF_MINUTES = (1, 5, 15, 60, 240)
ALERT_JOB = "statefile.jobs.alert_registry"
Row = StateFileMessage


def _earlier_unsent() -> ColumnElement[bool]:
    earlier = Row.__table__.alias("earlier")
    return exists().where(
        earlier.c.docket_id == Row.docket_id,
        earlier.c.id < Row.id,
        earlier.c.status.in_(NOT_YET_SENT),
    )


def claim(session: Session, row_id: int, now: datetime) -> bool:
    """Take a message that is owed now and whose docket has nothing earlier still to go."""
    due = or_(Row.next_attempt_at.is_(None), Row.next_attempt_at <= now)
    result = session.execute(
        update(Row)
        .where(Row.id == row_id, Row.status == PENDING, due, ~_earlier_unsent())
        .values(
            status=SENDING,
            attempts=Row.attempts + 1,
            sent_at=now,
            updated_at=now,
            next_attempt_at=None,
            provider_ref=None,
        )
        .execution_options(synchronize_session=False)
    )
    return _changed(result)


def apply(session: Session, row_id: int, answer: Answer, now: datetime) -> str:
    """Record the receiver's answer to the current attempt; returns what happened."""
    open_ = (Row.id == row_id) & Row.status.in_((SENDING, SENT))
    if answer.status == RECEIVED:
        return _move(
            session,
            (Row.id == row_id) & (Row.status == SENDING),
            {"status": SENT, "provider_ref": answer.ref},
            now,
            "sent",
            row_id,
        )
    if answer.status == ACCEPTED:
        return _move(
            session,
            open_,
            {"status": ACCEPTED, "provider_ref": answer.ref, "answered_at": now, "reason": None},
            now,
            "accepted",
            row_id,
        )
    assert answer.status == REJECTED
    outcome = _move(
        session,
        open_,
        {
            "status": REJECTED,
            "provider_ref": answer.ref,
            "answered_at": now,
            "reason": answer.reason or "no reason given",
        },
        now,
        "rejected",
        row_id,
    )
    if outcome == "rejected":
        _alert(session, row_id, now)
    return outcome


def _move(
    session: Session,
    where: ColumnElement[bool],
    values: dict[str, Any],
    now: datetime,
    outcome: str,
    row_id: int,
) -> str:
    result = session.execute(
        update(Row)
        .where(where)
        .values(updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    if not _changed(result):
        return "ignored"
    _next_of_docket(session, row_id)
    return outcome


def fail(session: Session, row_id: int, reason: str, now: datetime) -> str:
    """The hand-over failed for certain: owed again after a pause, or dead after the last."""
    attempts = session.scalar(select(Row.attempts).where(Row.id == row_id)) or 0
    sending = (Row.id == row_id) & (Row.status == SENDING)
    if attempts > len(BACKOFF_MINUTES):
        outcome = _move(
            session,
            sending,
            {"status": DEAD, "reason": f"{reason} after {attempts} attempts"},
            now,
            "dead",
            row_id,
        )
        if outcome == "dead":
            _alert(session, row_id, now)
        return outcome
    delay = timedelta(minutes=BACKOFF_MINUTES[attempts - 1])
    result = session.execute(
        update(Row)
        .where(sending)
        .values(status=PENDING, reason=reason, next_attempt_at=now + delay, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if not _changed(result):
        return "ignored"
    _retry_later(session, row_id, attempts + 1, delay)
    return "retry"


def _retry_later(session: Session, row_id: int, attempt: int, delay: timedelta) -> None:
    def later() -> None:
        jobs.current().enqueue(
            SEND_JOB,
            row_id,
            job_id=f"state-file-{row_id}-attempt-{attempt}",
            queue=QUEUE,
            delay=delay.total_seconds(),
        )

    after_commit(session, later)  # if lost, the sweeper finds the row once it is due


def _alert(session: Session, row_id: int, now: datetime) -> None:
    jobs.enqueue_after_commit(
        session,
        ALERT_JOB,
        row_id,
        queue=QUEUE,
        job_id=f"state-file-alert-{row_id}-{now.timestamp():.0f}",
    )


def _next_of_docket(session: Session, row_id: int) -> None:
    """The docket's next message waited for this one: queue it now."""
    docket_id = session.scalar(select(Row.docket_id).where(Row.id == row_id))
    following = session.scalar(
        select(Row.id)
        .where(Row.docket_id == docket_id, Row.id > row_id, Row.status == PENDING)
        .order_by(Row.id)
    )
    if following is not None:
        send_after_commit(session, following, f"-after-{row_id}")


def give_back(session: Session, row_id: int, attempt: int, now: datetime) -> bool:
    """The receiver does not have this attempt (a crash before the hand-over): owed again."""
    result = session.execute(
        update(Row)
        .where(Row.id == row_id, Row.status.in_((SENDING, SENT)), Row.attempts == attempt)
        .values(status=PENDING, attempts=attempt - 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return _changed(result)


def unanswered(session: Session, sending_before: datetime, sent_before: datetime) -> list[int]:
    """Sends that went quiet mid-hand-over, and sent messages with no answer yet."""
    asked = Row.asked_at.is_(None) | (Row.asked_at <= sent_before)
    statement = (
        select(Row.id)
        .where(
            or_(
                (Row.status == SENDING) & (Row.sent_at <= sending_before),
                (Row.status == SENT) & (Row.sent_at <= sent_before) & asked,
            )
        )
        .order_by(Row.id)
    )
    return list(session.scalars(statement))


def asked(session: Session, row_id: int, now: datetime) -> None:
    session.execute(
        update(Row)
        .where(Row.id == row_id)
        .values(asked_at=now)
        .execution_options(synchronize_session=False)
    )


def _changed(result: Any) -> bool:
    return bool(getattr(result, "rowcount", 0))
