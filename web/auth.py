"""Signing in and out: password, forced first change, TOTP for staff, forgotten password."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

import pyotp
from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy import CursorResult, func, or_, select, update
from sqlalchemy.orm import Session

from core import accounts
from core.accounts import check_password, hash_secret, marshal_by_userid, secret_matches
from core.db import after_commit, session_scope, utcnow
from core.mail import mailer_for
from core.models import AuditEvent, Marshal
from web import texts
from web.models import PasswordReset
from web.passwords import set_password_from_form
from web.security import STAFF_ROLES, page_blueprint, safe_next, start_session

blueprint = page_blueprint("auth", __name__)
RESET_FOR = timedelta(minutes=15)
_DUMMY_HASH = hash_secret("not-a-real-password-0")  # equal work for unknown userids


@dataclass(frozen=True)
class Outcome:
    """The answer to a sign-in form: the next stage, or a message to show."""

    marshal_id: int | None = None
    stage: str | None = None
    message: str | None = None


def _settings() -> Any:
    return current_app.config["SERVELINE"]


def _zone_time(moment: Any) -> str:

    return str(moment.astimezone(_settings().zone).strftime("%H:%M"))


def _stage_after_password(marshal: Marshal) -> str:
    if marshal.role not in STAFF_ROLES:
        return "full"
    return "totp" if marshal.totp_secret else "enrol"


def authenticate(db: Session, userid: str, password: str) -> Outcome:
    """Check a userid and password; the first sign-in uses up the initial password."""
    marshal = marshal_by_userid(db, userid.strip())
    if marshal is None or not marshal.active:
        secret_matches(_DUMMY_HASH, password)
        return Outcome(message=texts.WRONG_SIGN_IN)
    result = check_password(db, marshal, password)
    if result.locked:
        return Outcome(message=texts.LOCKED.format(until=_zone_time(result.locked_until),
                                                   phone=_settings().registry_section_phone))
    if not result.ok:
        return Outcome(message=texts.WRONG_SIGN_IN)
    if marshal.must_change_password:
        marshal.password_hash = None  # single use: it never works again
        db.add(AuditEvent(kind="initial_password_used", marshal_id=marshal.id, channel="WEB"))
        return Outcome(marshal.id, "must_change")
    return Outcome(marshal.id, _stage_after_password(marshal))


@blueprint.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Any:
    """The sign-in page."""
    if request.method == "GET":
        return render_template("sign_in.html", idle=session.pop("idle", False))
    with session_scope() as db:
        outcome = authenticate(db, request.form.get("userid", ""), request.form.get("password", ""))
        marshal = db.get(Marshal, outcome.marshal_id) if outcome.marshal_id else None
        if marshal is not None and outcome.stage:
            start_session(marshal, outcome.stage)
    if outcome.message:
        return render_template("sign_in.html", error=outcome.message), 401
    session["next"] = safe_next(request.args.get("next"))
    return redirect(url_for("account.home"))


@blueprint.route("/sign-out", methods=["POST"])
def sign_out() -> Any:
    """End the session."""
    session.clear()
    flash(texts.SIGNED_OUT)
    return redirect(url_for("auth.sign_in"))


def _pending_marshal(db: Session, stage: str) -> Marshal | None:
    if session.get("stage") != stage:
        return None
    return db.get(Marshal, session.get("uid"))


@blueprint.route("/first-password", methods=["GET", "POST"])
def first_password() -> Any:
    """The first sign-in sets a new password before anything else."""
    error = None
    with session_scope() as db:
        marshal = _pending_marshal(db, "must_change")
        if marshal is None:
            return redirect(url_for("auth.sign_in"))
        if request.method == "POST":
            error = set_password_from_form(db, marshal, request.form)
            if error is None:
                session["stage"] = _stage_after_password(marshal)
                flash(texts.PASSWORD_CHANGED)
                return redirect(url_for("account.home"))
    return render_template("first_password.html", error=error), 400 if error else 200


@blueprint.route("/two-factor", methods=["GET", "POST"])
def two_factor() -> Any:
    """Staff: the code from an authenticator app (enrolled on the first staff sign-in)."""
    stage = session.get("stage")
    if stage not in ("totp", "enrol"):
        return redirect(url_for("auth.sign_in"))
    if stage == "enrol":
        session.setdefault("totp_pending", pyotp.random_base32())
    error = _check_code(stage) if request.method == "POST" else None
    if request.method == "POST" and error is None:
        session.pop("totp_pending", None)
        session["stage"] = "full"
        return redirect(url_for("account.home"))
    return render_template("two_factor.html", error=error, **_enrolment()), 400 if error else 200


def _enrolment() -> dict[str, Any]:
    secret = session.get("totp_pending")
    if not secret:
        return {"secret": None, "uri": None}
    with session_scope() as db:
        marshal = db.get(Marshal, session.get("uid"))
        userid = marshal.userid if marshal else "staff"
    uri = pyotp.TOTP(secret).provisioning_uri(name=userid, issuer_name="ServeLine")
    return {"secret": secret, "uri": uri}


def _check_code(stage: str) -> str | None:
    code = request.form.get("code", "").replace(" ", "")
    with session_scope() as db:
        marshal = _pending_marshal(db, stage)
        if marshal is None or accounts.is_locked(marshal):
            session.clear()
            return texts.TOO_MANY_CODES
        secret = session["totp_pending"] if stage == "enrol" else marshal.totp_secret
        step = totp_step(secret, code) if secret else None
        if step is not None:
            if not _first_use(db, marshal, step):
                return texts.CODE_USED
            marshal.totp_secret = secret
            marshal.failed_attempts = 0
            return None
        # A wrong code counts toward the same lock-out as passwords and PINs.
        if accounts.count_failure(db, marshal, "WEB", utcnow()).locked:
            session.clear()
            return texts.TOO_MANY_CODES
    return texts.WRONG_CODE


def totp_step(secret: str, code: str) -> int | None:
    """The 30-second step whose code this is (the one before and after count too), or None."""
    totp, now = pyotp.TOTP(secret), time.time()
    for moment in (now, now - totp.interval, now + totp.interval):
        if hmac.compare_digest(totp.at(moment), code):
            return int(moment // totp.interval)
    return None


def _first_use(db: Session, marshal: Marshal, step: int) -> bool:
    """Claim this step's code for the person: a code seen once is never accepted again, even
    by a second request in the same instant."""
    claimed = db.execute(update(Marshal).where(
        Marshal.id == marshal.id,
        or_(Marshal.totp_last_step.is_(None), Marshal.totp_last_step < step),
    ).values(totp_last_step=step).execution_options(synchronize_session=False))
    return cast("CursorResult[Any]", claimed).rowcount == 1


@blueprint.route("/forgot-password", methods=["GET", "POST"])
def forgot_password() -> Any:
    """Ask for a reset link; the answer is the same whether or not the address is on file."""
    if request.method == "GET":
        return render_template("forgot.html")
    email = request.form.get("email", "").strip()
    with session_scope() as db:
        marshal = db.scalar(select(Marshal).where(func.lower(Marshal.email) == email.lower(),
                                                  Marshal.active.is_(True)))
        if email and marshal is not None:
            _issue_reset(db, marshal)
    return render_template("forgot.html", sent=texts.RESET_SENT)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _issue_reset(db: Session, marshal: Marshal) -> None:
    token = secrets.token_urlsafe(32)
    db.add(PasswordReset(marshal_id=marshal.id, token_hash=token_hash(token),
                         expires_at=utcnow() + RESET_FOR))
    db.add(AuditEvent(kind="password_reset_requested", marshal_id=marshal.id, channel="WEB"))
    settings, link = _settings(), url_for("auth.reset_password", token=token, _external=True)
    body = texts.RESET_BODY.format(name=marshal.display_name, userid=marshal.userid, link=link,
                                   phone=settings.registry_section_phone)
    to = marshal.email or ""
    after_commit(db, lambda: mailer_for(settings).send(to, texts.RESET_SUBJECT, body))


def valid_reset(db: Session, token: str) -> PasswordReset | None:
    """The unused, unexpired reset row for this token, if any."""
    row = db.scalar(select(PasswordReset).where(PasswordReset.token_hash == token_hash(token)))
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return None
    return row


@blueprint.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Any:
    """The emailed link: choose a new password (once, within 15 minutes)."""
    error = None
    with session_scope() as db:
        row = valid_reset(db, token)
        if row is None:
            return render_template("reset.html", invalid=texts.RESET_INVALID), 410
        if request.method == "POST":
            error = _use_reset(db, row)
            if error is None:
                flash(texts.RESET_DONE)
                return redirect(url_for("auth.sign_in"))
    return render_template("reset.html", error=error), 400 if error else 200


def _use_reset(db: Session, row: PasswordReset) -> str | None:
    marshal = db.get(Marshal, row.marshal_id)
    assert marshal is not None
    error = set_password_from_form(db, marshal, request.form)
    if error is None:
        for other in db.scalars(select(PasswordReset).where(
                PasswordReset.marshal_id == marshal.id, PasswordReset.used_at.is_(None))):
            other.used_at = utcnow()
    return error
