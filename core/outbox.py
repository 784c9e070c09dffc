"""The outbox sweeper: whatever a crash or a Redis outage left pending is queued again."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core import jobs
from core.db import session_scope, utcnow
from core.models import Notification, NotificationStatus
from core.state_file import QUEUE as STATE_FILE_QUEUE
from core.state_file import owed_messages
from core.state_file import send_now as send_state_file_now

STALE_AFTER = timedelta(seconds=60)
SEND_FAX_JOB = "fax.jobs.send_notification"
SEND_FAXES_JOB = "fax.jobs.send_notifications"  # all that one recorded activity owes
RECONCILE_FAX_JOB = "fax.jobs.reconcile"
REQUEUE_FETCHES_JOB = "ivr.jobs.requeue_stuck_fetches"  # recordings a lost job left queued
RECONCILE_STATE_FILE_JOB = "statefile.jobs.sweep_answers"
log = logging.getLogger(__name__)


def owed_notifications(
    session: Session, now: datetime, stale_after: timedelta = STALE_AFTER
) -> list[int]:
    """Pending rows older than a minute, failed rows whose retry is due, sends that went quiet."""
    cutoff = now - stale_after
    due = or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now)
    statement = (
        select(Notification.id)
        .where(
            or_(
                (Notification.status == NotificationStatus.PENDING.value)
                & (Notification.updated_at <= cutoff)
                & due,
                (Notification.status == NotificationStatus.FAILED.value)
                & due
                & Notification.next_attempt_at.is_not(None),
            )
        )
        .order_by(Notification.id)
    )
    return list(session.scalars(statement))


def _fax_job_id(notification_id: int) -> str:
    """One job id per notification, so queueing it twice names the same piece of work."""
    return f"fax-{notification_id}"


def send_fax_now(notification_id: int) -> None:
    jobs.current().enqueue(
        SEND_FAX_JOB, notification_id, job_id=_fax_job_id(notification_id), queue="fax"
    )


def send_faxes_after_commit(
    session: Session, activity_id: int, notification_ids: list[int]
) -> None:
    """Queue one job for the faxes a recorded activity owes, once its transaction has committed
    (one job, not one a notice: RQ's bookkeeping per job cost as much as a notice's send)."""
    if notification_ids:
        jobs.enqueue_after_commit(
            session,
            SEND_FAXES_JOB,
            list(notification_ids),
            job_id=f"fax-activity-{activity_id}",
            queue="fax",
        )


def sweep(stale_after: timedelta = STALE_AFTER, now: datetime | None = None) -> list[int]:
    """Queue again every notification still owed; returns their ids."""
    with session_scope() as session:
        owed = owed_notifications(session, now or utcnow(), stale_after)
    for notification_id in owed:
        send_fax_now(notification_id)
    _ask_about_quiet_sends(now or utcnow())
    _requeue_recording_fetches(now or utcnow())
    _sweep_state_file(now or utcnow(), stale_after)
    return owed


def _sweep_state_file(now: datetime, stale_after: timedelta) -> None:
    """State-file messages still owed are queued again; unanswered ones are asked about."""
    with session_scope() as session:
        owed = owed_messages(session, now, stale_after)
    for row_id in owed:
        send_state_file_now(row_id)
    try:
        jobs.current().enqueue(
            RECONCILE_STATE_FILE_JOB,
            queue=STATE_FILE_QUEUE,
            job_id=f"state-file-reconcile-{now:%Y%m%d%H%M}",
        )
    except Exception:
        log.exception("could not enqueue the state-file reconciliation; the next sweep will")


def _ask_about_quiet_sends(now: datetime) -> None:
    """Sends whose status callback never came are settled by the fax reconciliation job."""
    try:
        jobs.current().enqueue(
            RECONCILE_FAX_JOB, job_id=f"fax-reconcile-{now:%Y%m%d%H%M}", queue="fax"
        )
    except Exception:
        log.exception("could not enqueue the fax reconciliation; the next sweep will")


def _requeue_recording_fetches(now: datetime) -> None:
    try:
        jobs.current().enqueue(REQUEUE_FETCHES_JOB, now, job_id=f"fetch-sweep-{now:%Y%m%d%H%M}")
    except Exception:
        log.exception("could not enqueue the recording fetch sweep; the next sweep will")


def sweep_job() -> int:
    """The scheduled job (RQ or the in-process timer)."""
    return len(sweep())


def retry_scheduled(notification: Notification) -> bool:
    """A busy or unanswered fax waiting for its next try (staff need not send it again)."""
    return notification.status == "failed" and notification.next_attempt_at is not None


def retry_notification(session: Session, notification_id: int) -> bool:
    """Staff asked to send a failed or dead fax again: back to pending, queued after commit.
    Not a fax whose next try is already scheduled (the page hides the button, a stale page or a
    second click does not); two clicks at the same moment take turns on the row: one sends."""
    statement = (
        select(Notification)
        .where(Notification.id == notification_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    notification = session.scalar(statement)
    retryable = {NotificationStatus.FAILED.value, NotificationStatus.DEAD.value}
    if notification is None or notification.status not in retryable:
        return False
    if retry_scheduled(notification):
        return False  # a busy or unanswered fax with its next try on the clock
    notification.status = NotificationStatus.PENDING.value
    notification.next_attempt_at = None
    notification.last_error = None
    jobs.enqueue_after_commit(
        session,
        SEND_FAX_JOB,
        notification_id,
        job_id=f"fax-{notification_id}-retry-{notification.attempts}",
        queue="fax",
    )
    return True
