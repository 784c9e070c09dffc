"""Signing in and out: password, forced first change, TOTP for staff, forgotten password."""

from __future__ import annotations

import hmac
import time
from dataclasses import dataclass
from typing import Any, cast

import pyotp
from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy import CursorResult, or_, select, update
from sqlalchemy.orm import Session

from core import accounts, guards
from core.accounts import check_password, hash_secret, marshal_by_userid, secret_matches
from core.db import session_scope, utcnow
from core.models import AuditEvent, Marshal
from edge import limits
from web import mails, texts
from web.mails import token_hash
from web.models import PasswordReset
from web.passwords import password_problem, set_password_from_form
from web.security import STAFF_ROLES, end_session, page_blueprint, safe_next, start_session

blueprint = page_blueprint("auth", __name__)
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


def authenticate(db: Session, userid: str, password: str, address: str = "unknown") -> Outcome:
    """Check a userid and password; the first sign-in uses up the initial password."""
    marshal = marshal_by_userid(db, userid.strip())
    if marshal is None or not marshal.active:
        secret_matches(_DUMMY_HASH, password)
        return Outcome(message=texts.WRONG_SIGN_IN)
    result = check_password(db, marshal, password, address=address)
    if result.locked:
        return Outcome(
            message=texts.LOCKED.format(
                until=_zone_time(result.locked_until), phone=_settings().registry_section_phone
            )
        )
    if not result.ok:
        return Outcome(message=texts.WRONG_SIGN_IN)
    if marshal.must_change_password:
        if not _use_initial_password(db, marshal):
            return Outcome(message=texts.WRONG_SIGN_IN)
        return Outcome(marshal.id, "must_change")
    stage = _stage_after_password(marshal)
    if stage == "full":
        guards.reopen(db, marshal.id, "WEB", keep=[guards.SECOND_FACTOR])
    return Outcome(marshal.id, stage)


def _use_initial_password(db: Session, marshal: Marshal) -> bool:
    """Single use, even for two sign-ins in the same instant: one conditional UPDATE."""
    used = db.execute(
        update(Marshal)
        .where(
            Marshal.id == marshal.id,
            Marshal.password_hash == marshal.password_hash,
            Marshal.password_hash.is_not(None),
        )
        .values(password_hash=None)
        .execution_options(synchronize_session=False)
    )
    if cast("CursorResult[Any]", used).rowcount != 1:
        return False
    marshal.password_hash = None
    db.add(AuditEvent(kind="initial_password_used", marshal_id=marshal.id, channel="WEB"))
    return True


@blueprint.route("/sign-in", methods=["GET", "POST"])
@limits.on_post("rate_sign_in", limits.by_address)
def sign_in() -> Any:
    """The sign-in page."""
    if request.method == "GET":
        return render_template("sign_in.html", idle=session.pop("idle", False))
    if not limits.within("rate_sign_in_account", limits.by_userid):
        abort(429)  # counted only for requests the address limit let through
    with session_scope() as db:
        outcome = authenticate(
            db,
            request.form.get("userid", ""),
            request.form.get("password", ""),
            request.remote_addr or "unknown",
        )
        marshal = db.get(Marshal, outcome.marshal_id) if outcome.marshal_id else None
        if marshal is not None and outcome.stage:
            start_session(marshal, outcome.stage, db)
    if outcome.message:
        return render_template("sign_in.html", error=outcome.message), 401
    session["next"] = safe_next(request.args.get("next"))
    return redirect(url_for("account.home"))


@blueprint.route("/sign-out", methods=["POST"])
def sign_out() -> Any:
    """End the session, on the server too."""
    end_session()
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
@limits.on_post("rate_two_factor", limits.by_address, limits.by_signed_in)
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
        if marshal is None:
            session.clear()
            return texts.TOO_MANY_CODES
        secret = session["totp_pending"] if stage == "enrol" else marshal.totp_secret
        steps: list[int | None] = []
        # Its own guard: wrong codes lock after the limit whatever correct passwords came between.
        result = accounts.check_code(db, marshal, lambda: _code_ok(secret, code, steps))
        if result.locked:
            session.clear()
            return texts.TOO_MANY_CODES
        if not result.ok:
            return texts.WRONG_CODE
        if not _first_use(db, marshal, steps[0] or 0):
            return texts.CODE_USED
        marshal.totp_secret = secret
        guards.reopen(db, marshal.id, "WEB")
    return None


def _code_ok(secret: str | None, code: str, steps: list[int | None]) -> bool:
    step = totp_step(secret, code) if secret else None
    steps.append(step)
    return step is not None


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
    claimed = db.execute(
        update(Marshal)
        .where(
            Marshal.id == marshal.id,
            or_(Marshal.totp_last_step.is_(None), Marshal.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    return cast("CursorResult[Any]", claimed).rowcount == 1


@blueprint.route("/forgot-password", methods=["GET", "POST"])
@limits.on_post("rate_forgot_password", limits.by_address)
def forgot_password() -> Any:
    """Ask for a reset link; the answer is the same, and as quick, whether or not the address
    is on file: a job looks it up and mails."""
    if request.method == "GET":
        return render_template("forgot.html")
    email = request.form.get("email", "").strip()
    if email:
        mails.ask_for_reset(email)
    return render_template("forgot.html", sent=texts.RESET_SENT)


def valid_reset(db: Session, token: str) -> PasswordReset | None:
    """The unused, unexpired reset row for this token, if any."""
    row = db.scalar(select(PasswordReset).where(PasswordReset.token_hash == token_hash(token)))
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return None
    return row


@blueprint.route("/reset/<token>", methods=["GET", "POST"])
@limits.on_post("rate_forgot_password", limits.by_address)
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
            if error is _GONE:
                db.rollback()
                return render_template("reset.html", invalid=texts.RESET_INVALID), 410
    return render_template("reset.html", error=error), 400 if error else 200


_GONE = "gone"


def _use_reset(db: Session, row: PasswordReset) -> str | None:
    marshal = db.get(Marshal, row.marshal_id)
    assert marshal is not None
    new = request.form.get("new_password", "")
    problem = password_problem(new, marshal.userid, (marshal.first_name, marshal.last_name))
    if problem is None and new != request.form.get("confirm", ""):
        problem = texts.CONFIRM_MISMATCH
    if problem is not None:
        return problem
    if not _claim_resets(db, row):
        return _GONE  # another request used this link a moment ago
    return set_password_from_form(db, marshal, request.form)


def _claim_resets(db: Session, row: PasswordReset) -> bool:
    """Use the link once, even for requests in the same instant: one conditional UPDATE that
    also ends the person's other open links."""
    now = utcnow()
    mine = db.execute(
        update(PasswordReset)
        .where(
            PasswordReset.id == row.id,
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if cast("CursorResult[Any]", mine).rowcount != 1:
        return False
    db.execute(
        update(PasswordReset)
        .where(PasswordReset.marshal_id == row.marshal_id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return True
