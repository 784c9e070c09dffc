"""Fax jobs, run by an RQ worker (or in-process): send one notice exactly once, reconcile, alert.

The claim is committed before the provider is called, and the provider's id right after, so a
worker that dies mid-send leaves a ``sending`` row that ``reconcile`` settles by asking the
provider: it is never sent again blindly.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import requests
from sqlalchemy.orm import Session, joinedload

from core import jobs, services
from core.db import session_scope, utcnow
from core.models import Activity, Docket, Notification
from core.outbox import SEND_FAX_JOB
from core.settings import Settings
from fax import tracking
from fax.alerts import alert_mail
from fax.notice import notice_for, render
from fax.providers import Answer, FaxProvider, Outgoing

log = logging.getLogger(__name__)
# A provider calls back within minutes; a send quiet for longer than this is asked about.
QUIET_AFTER = timedelta(minutes=10)
# What a notice names, loaded with the notification in one query (not one lazy load each).
_activity = joinedload(Notification.activity)
NOTICE_PARTS = [
    joinedload(Notification.agency),
    _activity.joinedload(Activity.marshal),
    _activity.joinedload(Activity.supersedes),
    _activity.joinedload(Activity.docket).joinedload(Docket.court),
]
# A send with no provider id yet is a worker that died mid-send (the hand-over is bounded by the
# provider's 20 s timeout): asked about after two minutes, not ten.
UNCLAIMED_AFTER = timedelta(minutes=2)


def send_notification(notification_id: int) -> str:
    """Send the notice owed by one notification row; a second run finds nothing owed."""
    running = services.current()
    # One transaction claims the row and reads what the notice names; it commits before the
    # hand-over, so a worker killed mid-send leaves a claimed row for ``reconcile``.
    with session_scope() as session:
        if not tracking.claim(session, notification_id, utcnow()):
            return "not-owed"
        fax = outgoing(session, notification_id, running.settings)
    answer = _hand_over(running.fax, fax)
    if answer is None:
        return "unknown"  # reconcile asks the provider later
    with session_scope() as session:
        return tracking.apply(session, notification_id, answer, utcnow(), adopt=True)


class NoticesNotSent(RuntimeError):
    """Some notices of a batch raised; the job fails so that RQ retries it."""


def send_notifications(notification_ids: list[int]) -> list[str]:
    """Send the notices one recorded activity owes, one after the other, each claimed, sent and
    settled on its own (``send_notification``): a worker killed among them leaves one claimed
    send for ``reconcile`` and the rest pending for the sweeper. One that raises never stops the
    others; the job then fails and RQ retries it, and a retry finds the sent ones not owed."""
    outcomes, raised = [], []
    for notification_id in notification_ids:
        try:
            outcomes.append(send_notification(notification_id))
        except Exception:
            log.exception("fax %s: the send raised; the others go on", notification_id)
            raised.append(notification_id)
    if raised:
        raise NoticesNotSent(f"notifications {raised} raised; the job is retried")
    return outcomes


def outgoing(session: Session, notification_id: int, settings: Settings) -> Outgoing:
    """The fax for the notification's current attempt, its page rendered."""
    notification = session.get(Notification, notification_id, options=NOTICE_PARTS)
    assert notification is not None and notification.sent_at is not None
    pdf = render(notice_for(notification, settings, notification.sent_at))
    return Outgoing(
        notification.id,
        notification.agency.name,
        notification.fax_number,
        notification.activity.docket.canonical,
        notification.attempts,
        pdf,
    )


def _hand_over(provider: FaxProvider, fax: Outgoing) -> Answer | None:
    """The provider's answer; None when we cannot know whether it took the fax."""
    try:
        return provider.send(fax)
    except requests.HTTPError as error:
        code = error.response.status_code if error.response is not None else 0
        if 400 <= code < 500:  # refused outright: it did not take the fax
            return Answer(None, "failed", f"the provider refused the fax (HTTP {code})")
        log.warning("fax %s: provider error %s; reconcile will ask", fax.notification_id, code)
    except requests.RequestException as error:
        log.warning("fax %s: %s; reconcile will ask", fax.notification_id, error)
    return None


def reconcile(quiet_after_seconds: float | None = None) -> int:
    """Ask the provider about every send whose callback never came; returns how many settled."""
    quiet = (
        timedelta(seconds=quiet_after_seconds) if quiet_after_seconds is not None else QUIET_AFTER
    )
    with session_scope() as session:
        quiet_ids = tracking.quiet_sends(
            session, utcnow() - quiet, utcnow() - min(quiet, UNCLAIMED_AFTER)
        )
    provider: FaxProvider = services.current().fax
    return sum(1 for i in quiet_ids if _reconciled(provider, i) != "ignored")


def _reconciled(provider: FaxProvider, notification_id: int) -> str:
    """One row's settling; an odd row is logged and never stops the others."""
    try:
        return reconcile_one(provider, notification_id)
    except Exception:
        log.exception("fax %s: could not be reconciled; the others go on", notification_id)
        return "ignored"


def reconcile_one(provider: FaxProvider, notification_id: int) -> str:
    """Settle one quiet send: its status if the provider has it, owed again if it has not."""
    with session_scope() as session:
        notification = session.get(Notification, notification_id)
        assert notification is not None
        provider_id, attempt = notification.provider_id, notification.attempts
        fax_number = notification.fax_number
    try:
        answer = (
            provider.status(provider_id)
            if provider_id
            else provider.find(notification_id, fax_number, attempt)
        )
    except requests.RequestException as error:
        log.warning("fax %s: cannot reach the provider (%s)", notification_id, error)
        return "ignored"
    if answer is None:
        return _owed_again(notification_id, attempt)
    with session_scope() as session:
        return tracking.apply(session, notification_id, answer, utcnow(), adopt=True)


def _owed_again(notification_id: int, attempt: int) -> str:
    with session_scope() as session:
        if not tracking.give_back(session, notification_id, attempt, utcnow()):
            return "ignored"
        jobs.enqueue_after_commit(
            session,
            SEND_FAX_JOB,
            notification_id,
            queue="fax",
            job_id=f"fax-{notification_id}-resend-{attempt}",
        )
    return "owed-again"


def alert_registry(notification_id: int) -> None:
    """Mail the Registry Section that a notice could not be delivered."""
    running = services.current()
    with session_scope() as session:
        notification = session.get(Notification, notification_id)
        assert notification is not None
        subject, body = alert_mail(notification, running.settings.zone)
    running.mailer.send(running.settings.registry_section_email, subject, body)
