"""Mails with links (reset, initial password), sent by jobs: the page that asked answers at once,
the same way whether or not the address is on file, and every link is built from
``PUBLIC_BASE_URL`` alone, never from a request's Host header."""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import jobs, services
from core.accounts import hash_secret
from core.db import after_commit, session_scope, utcnow
from core.models import AuditEvent, Marshal
from core.settings import Settings
from web import texts
from web.models import PasswordReset

log = logging.getLogger(__name__)
RESET_FOR = timedelta(minutes=15)
RESET_MAIL_EVERY = timedelta(minutes=5)  # at most one reset mail per address in this time


class NoPublicBaseUrl(RuntimeError):
    """PUBLIC_BASE_URL is not set: no link is mailed (a Host header must never build one)."""


def public_link(settings: Settings, path: str) -> str:
    """``PUBLIC_BASE_URL`` + path; refuses when it is not set."""
    if not settings.public_base_url:
        raise NoPublicBaseUrl("PUBLIC_BASE_URL is not set: no link is mailed")
    return settings.public_base_url.rstrip("/") + path


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def ask_for_reset(email: str) -> None:
    """Queue the reset mail for this address (the job decides whether there is anyone)."""
    key = hashlib.sha256(email.lower().encode()).hexdigest()[:16]
    try:
        jobs.current().enqueue(
            "web.mails.mail_reset_link", email.lower(), job_id=f"reset-{key}-{time.time_ns()}"
        )
    except Exception:  # noqa: BLE001 - the page answers the same; the person may ask again
        log.exception("could not queue a reset mail")


def mail_reset_link(email: str, settings: Settings | None = None) -> None:
    """Job: a single-use 15-minute reset link to the account with this address, if any, and
    not when one was mailed to it in the last few minutes."""
    settings = settings or services.current().settings
    with session_scope() as db:
        marshal = db.scalar(
            select(Marshal).where(
                func.lower(Marshal.email) == email.lower(), Marshal.active.is_(True)
            )
        )
        if marshal is None or _mailed_lately(db, marshal):
            return
        token = secrets.token_urlsafe(32)
        link = public_link(settings, f"/reset/{token}")
        db.add(
            PasswordReset(
                marshal_id=marshal.id, token_hash=token_hash(token), expires_at=utcnow() + RESET_FOR
            )
        )
        db.add(AuditEvent(kind="password_reset_requested", marshal_id=marshal.id, channel="WEB"))
        body = texts.RESET_BODY.format(
            name=marshal.display_name,
            userid=marshal.userid,
            link=link,
            phone=settings.registry_section_phone,
        )
        _mail_after_commit(db, marshal.email or "", texts.RESET_SUBJECT, body)


def _mailed_lately(db: Session, marshal: Marshal) -> bool:
    last = db.scalar(
        select(func.max(PasswordReset.created_at)).where(PasswordReset.marshal_id == marshal.id)
    )
    if last is None or last <= utcnow() - RESET_MAIL_EVERY:
        return False
    db.add(AuditEvent(kind="password_reset_throttled", marshal_id=marshal.id, channel="WEB"))
    return True


def queue_initial_password(db: Session, marshal: Marshal) -> None:
    """Queue a fresh initial password for this person, mailed by a job after the commit."""
    marshal.must_change_password = True
    jobs.enqueue_after_commit(
        db,
        "web.mails.mail_initial_password",
        marshal.id,
        job_id=f"initial-{marshal.id}-{time.time_ns()}",
    )


def mail_initial_password(marshal_id: int, settings: Settings | None = None) -> None:
    """Job: a random single-use initial password, stored hashed, mailed with the sign-in link
    (the password itself never waits in the queue)."""
    from web.passwords import initial_password

    settings = settings or services.current().settings
    with session_scope() as db:
        marshal = db.get(Marshal, marshal_id)
        if marshal is None or not marshal.active or not marshal.email:
            return
        link = public_link(settings, "/sign-in")
        password = initial_password()
        marshal.password_hash = hash_secret(password)
        marshal.must_change_password = True
        db.add(AuditEvent(kind="initial_password_sent", marshal_id=marshal.id, channel="WEB"))
        body = texts.INITIAL_BODY.format(
            name=marshal.display_name,
            userid=marshal.userid,
            password=password,
            link=link,
            phone=settings.registry_section_phone,
        )
        _mail_after_commit(db, marshal.email, texts.INITIAL_SUBJECT, body)


def _mail_after_commit(db: Session, to: str, subject: str, body: str) -> None:
    mailer = services.current().mailer
    after_commit(db, lambda: mailer.send(to, subject, body))
