"""A notification's delivery: pending → sending → delivered, or failed, retried, dead.

Every move is one conditional UPDATE, so a job run twice, two workers, or a callback received
twice or late can never send a fax twice nor overwrite a final state (a late "sending" never
undoes "delivered").
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from core import jobs
from core.db import after_commit
from core.models import Notification, NotificationStatus
from core.outbox import SEND_FAX_JOB
from fax.providers import IN_PROGRESS, RETRY_LATER, Answer

PENDING = NotificationStatus.PENDING.value
SENDING = NotificationStatus.SENDING.value
DELIVERED = NotificationStatus.DELIVERED.value
FAILED = NotificationStatus.FAILED.value
DEAD = NotificationStatus.DEAD.value
# Busy or no answer: try again after 5, 15, 30, 60 and 120 minutes, then give up (dead).
BACKOFF_MINUTES = (5, 15, 30, 60, 120)
ALERT_JOB = "fax.jobs.alert_registry"


def claim(session: Session, notification_id: int, now: datetime) -> bool:
    """Take a notification that is owed now (pending, or failed and due); False if not ours."""
    due = (
        (Notification.status == FAILED)
        & Notification.next_attempt_at.is_not(None)
        & (Notification.next_attempt_at <= now)
    )
    result = session.execute(
        update(Notification)
        .where(Notification.id == notification_id, or_(Notification.status == PENDING, due))
        .values(
            status=SENDING,
            attempts=Notification.attempts + 1,
            sent_at=now,
            updated_at=now,
            next_attempt_at=None,
            provider_id=None,
            provider_status=None,
        )
    )
    return _changed(result)


def apply(
    session: Session, notification_id: int, answer: Answer, now: datetime, adopt: bool = False
) -> str:
    """Record what the provider said about the current attempt; returns what happened.

    ``adopt``: the sender's own answer, which may carry the provider id for the first time.
    A callback must name the provider id already recorded, or it is ignored.
    """
    current = _current_attempt(notification_id, answer.provider_id, adopt)
    status = answer.status
    if status in IN_PROGRESS:
        return _move(session, current, now, answer, {}, "sending")
    if status == DELIVERED:
        return _move(
            session,
            current,
            now,
            answer,
            {"status": DELIVERED, "delivered_at": now, "last_error": None},
            "delivered",
        )
    if status in RETRY_LATER:
        return _retry_or_die(session, notification_id, current, now, answer)
    return _fail(session, notification_id, current, now, answer)


def _current_attempt(
    notification_id: int, provider_id: str | None, adopt: bool
) -> ColumnElement[bool]:
    same_fax = Notification.provider_id == provider_id
    if adopt:
        same_fax = or_(Notification.provider_id.is_(None), same_fax)
    return (Notification.id == notification_id) & (Notification.status == SENDING) & same_fax


def _move(
    session: Session,
    where: ColumnElement[bool],
    now: datetime,
    answer: Answer,
    values: dict[str, Any],
    outcome: str,
) -> str:
    result = session.execute(
        update(Notification)
        .where(where)
        .values(
            provider_id=answer.provider_id, provider_status=answer.status, updated_at=now, **values
        )
    )
    return outcome if _changed(result) else "ignored"


def _retry_or_die(
    session: Session,
    notification_id: int,
    where: ColumnElement[bool],
    now: datetime,
    answer: Answer,
) -> str:
    attempts = (
        session.scalar(select(Notification.attempts).where(Notification.id == notification_id)) or 0
    )
    reason = answer.reason or answer.status
    if attempts > len(BACKOFF_MINUTES):
        return _give_up(
            session,
            notification_id,
            where,
            now,
            answer,
            DEAD,
            f"{reason} after {attempts} attempts",
        )
    delay = timedelta(minutes=BACKOFF_MINUTES[attempts - 1])
    outcome = _move(
        session,
        where,
        now,
        answer,
        {"status": FAILED, "next_attempt_at": now + delay, "last_error": reason},
        "retry",
    )
    if outcome == "retry":
        _queue_retry(session, notification_id, attempts + 1, delay)
    return outcome


def _queue_retry(session: Session, notification_id: int, attempt: int, delay: timedelta) -> None:
    def later() -> None:
        jobs.current().enqueue(
            SEND_FAX_JOB,
            notification_id,
            queue="fax",
            job_id=f"fax-{notification_id}-attempt-{attempt}",
            delay=delay.total_seconds(),
        )

    # If this enqueue is lost, the sweeper finds the failed row once next_attempt_at is due.
    after_commit(session, later)


def _fail(
    session: Session,
    notification_id: int,
    where: ColumnElement[bool],
    now: datetime,
    answer: Answer,
) -> str:
    reason = answer.reason or f"the provider reported {answer.status}"
    return _give_up(session, notification_id, where, now, answer, FAILED, reason)


def _give_up(
    session: Session,
    notification_id: int,
    where: ColumnElement[bool],
    now: datetime,
    answer: Answer,
    status: str,
    reason: str,
) -> str:
    """Failed for good (or dead after the last retry): staff must know, by mail."""
    outcome = _move(
        session,
        where,
        now,
        answer,
        {"status": status, "next_attempt_at": None, "last_error": reason},
        status,
    )
    if outcome == status:
        jobs.enqueue_after_commit(
            session,
            ALERT_JOB,
            notification_id,
            job_id=f"fax-alert-{notification_id}-{now.timestamp():.0f}",
            queue="fax",
        )
    return outcome


def on_callback(
    session: Session, answer: Answer, now: datetime, reference: tuple[int, int] | None = None
) -> str:
    """A status callback from the provider: applied to the attempt it names, else ignored.

    A callback can come before the sender has stored the provider's id: it is then matched by
    the attempt's own reference (the notification and attempt in its media link)."""
    if not answer.provider_id:
        return "ignored"
    found = session.scalar(
        select(Notification.id).where(Notification.provider_id == answer.provider_id)
    )
    if found is not None:
        return apply(session, found, answer, now)
    if reference is None:
        return "ignored"
    notification_id, attempt = reference
    current = session.scalar(
        select(Notification.attempts).where(Notification.id == notification_id)
    )
    if current != attempt:
        return "ignored"
    return apply(session, notification_id, answer, now, adopt=True)


def give_back(session: Session, notification_id: int, attempt: int, now: datetime) -> bool:
    """The provider never got this attempt (a crash before it was handed over): owed again."""
    result = session.execute(
        update(Notification)
        .where(
            Notification.id == notification_id,
            Notification.status == SENDING,
            Notification.provider_id.is_(None),
            Notification.attempts == attempt,
        )
        .values(status=PENDING, attempts=attempt - 1, updated_at=now)
    )
    return _changed(result)


def quiet_sends(
    session: Session, before: datetime, unclaimed_before: datetime | None = None
) -> list[int]:
    """Notifications still sending since before ``before``: their callback never came; and
    those with no provider id since ``unclaimed_before`` (the sender died mid-send)."""
    unclaimed = Notification.provider_id.is_(None) & (
        Notification.sent_at <= (unclaimed_before or before)
    )
    statement = (
        select(Notification.id)
        .where(Notification.status == SENDING, or_(Notification.sent_at <= before, unclaimed))
        .order_by(Notification.id)
    )
    return list(session.scalars(statement))


def _changed(result: Any) -> bool:
    return bool(getattr(result, "rowcount", 0))
