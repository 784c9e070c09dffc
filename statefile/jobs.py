"""State-file jobs, run by an RQ worker on the ``state_file`` queue (or in-process).

The claim is committed before the adapter is called and the answer right after, so a worker that
dies mid-send leaves a ``sending`` row that ``reconcile`` settles by asking the receiver whether
it has the message: it is never sent again blindly.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import requests
from sqlalchemy.orm import Session

from core import services
from core.db import session_scope, utcnow
from core.state_file import StateFileMessage, send_after_commit
from statefile import tracking
from statefile.alerts import alert_mail
from statefile.providers import HandOverFailed, Outgoing, StateFileProvider

log = logging.getLogger(__name__)
# The hand-over itself takes seconds: a send still "sending" after this went wrong.
SENDING_QUIET = timedelta(minutes=2)
NEVER = datetime(1970, 1, 1, tzinfo=UTC)


def send_message(row_id: int) -> str:
    """Deliver one state-file message; a second run finds nothing owed."""
    with session_scope() as session:  # the claim and the message read in one transaction
        if not tracking.claim(session, row_id, utcnow()):
            return "not-owed"
        row = session.get(StateFileMessage, row_id)
        assert row is not None
        message = Outgoing(row.id, row.message_id, row.attempts, row.payload)
    return _hand_over(services.current().state_file, message)


def _hand_over(provider: StateFileProvider, message: Outgoing) -> str:
    try:
        answer = provider.send(message)
    except HandOverFailed as error:
        with session_scope() as session:
            return tracking.fail(session, message.row_id, str(error), utcnow())
    except requests.RequestException as error:
        log.warning("state file %s: %s; reconciliation will ask", message.row_id, error)
        return "unknown"
    with session_scope() as session:
        return tracking.apply(session, message.row_id, answer, utcnow())


def reconcile(quiet_seconds: float | None = None, sends_in_flight: bool = True) -> int:
    """Ask the receiver about every message with no answer yet; returns how many it settled.

    ``sends_in_flight``: also sends still ``sending`` after the quiet time (a worker died).
    """
    settings = services.current().settings
    quiet = (
        timedelta(seconds=quiet_seconds)
        if quiet_seconds is not None
        else timedelta(minutes=settings.state_file_answer_within_minutes)
    )
    now = utcnow()
    sending_before = now - min(quiet, SENDING_QUIET) if sends_in_flight else NEVER
    with session_scope() as session:
        ids = tracking.unanswered(session, sending_before, now - quiet)
    provider: StateFileProvider = services.current().state_file
    return sum(1 for i in ids if reconcile_one(provider, i) not in ("ignored", "waiting"))


def collect_answers() -> int:
    """Read the answers a local adapter has (the spool's ``acks/``) for every sent message."""
    if not services.current().state_file.local:
        return 0
    return reconcile(quiet_seconds=0, sends_in_flight=False)


def reconcile_one(provider: StateFileProvider, row_id: int) -> str:
    """Settle one unanswered message: its answer if the receiver has one, owed again if the
    receiver never got it."""
    with session_scope() as session:
        row = session.get(StateFileMessage, row_id)
        assert row is not None
        message_id, attempt, status = row.message_id, row.attempts, row.status
    try:
        answer = provider.status(message_id)
    except requests.RequestException as error:
        log.warning("state file %s: cannot reach the receiver (%s)", row_id, error)
        return "ignored"
    with session_scope() as session:
        tracking.asked(session, row_id, utcnow())
        if answer is None:
            return _owed_again(session, row_id, attempt)
        outcome = tracking.apply(session, row_id, answer, utcnow())
    return "waiting" if answer.status == "received" and status == "sent" else outcome


def _owed_again(session: Session, row_id: int, attempt: int) -> str:
    """The receiver does not have it (never got it, or lost it): the state must hear it again."""
    if not tracking.give_back(session, row_id, attempt, utcnow()):
        return "ignored"
    send_after_commit(session, row_id, f"-resend-{attempt}")
    return "owed-again"


def alert_registry(row_id: int) -> None:
    """Mail the Registry Section that the state file rejected a message, or it is dead."""
    running = services.current()
    with session_scope() as session:
        row = session.get(StateFileMessage, row_id)
        assert row is not None
        subject, body = alert_mail(row)
    running.mailer.send(running.settings.registry_section_email, subject, body)


def sweep_answers() -> int:
    """Queued by every outbox sweep: the spool's answers, then whatever has been quiet too long."""
    return collect_answers() + reconcile()
