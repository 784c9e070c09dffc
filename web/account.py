"""A marshal's own pages: profile, change password, set or change the phone PIN."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, session, url_for
from sqlalchemy.orm import Session

from core.accounts import check_password, pin_problem, set_pin
from core.db import session_scope
from core.models import AuditEvent, Court, Marshal
from edge import limits
from web import texts
from web.passwords import set_password_from_form
from web.security import page_blueprint, signed_in, viewer

blueprint = page_blueprint("account", __name__)


@blueprint.route("/")
@signed_in
def home() -> Any:
    """Staff land on the calls, marshals on their profile (or where sign-in was heading)."""
    target = session.pop("next", None)
    if target:
        return redirect(target)
    current = viewer()
    return redirect(url_for("staff.calls" if current and current.is_staff else "account.profile"))


@blueprint.route("/profile")
@signed_in
def profile() -> Any:
    """What the registry has on file for the signed-in person."""
    with session_scope() as db:
        marshal = _me(db)
        court = db.get(Court, marshal.default_court) if marshal.default_court else None
        return render_template(
            "profile.html", me=marshal, court=court, phones=[p.number for p in marshal.phones]
        )


def _me(db: Session) -> Marshal:
    current = viewer()
    assert current is not None
    marshal = db.get(Marshal, current.id)
    assert marshal is not None
    return marshal


def _current_password_ok(db: Session, marshal: Marshal) -> str | None:
    """None when the current password is right; counts a failure toward the lock-out."""
    result = check_password(
        db,
        marshal,
        request.form.get("current_password", ""),
        address=request.remote_addr or "unknown",
    )
    if result.locked:
        session.clear()
        return texts.TOO_MANY_PASSWORDS
    return None if result.ok else texts.WRONG_CURRENT


@blueprint.route("/password", methods=["GET", "POST"])
@signed_in
@limits.on_post("rate_account_change", limits.by_address, limits.by_signed_in)
def change_password() -> Any:
    """Current password, new password, confirmation."""
    error = None
    if request.method == "POST":
        with session_scope() as db:
            marshal = _me(db)
            error = _current_password_ok(db, marshal) or set_password_from_form(
                db, marshal, request.form
            )
        if error is None:
            flash(texts.PASSWORD_CHANGED)
            return redirect(url_for("account.profile"))
    return render_template("password.html", error=error), 400 if error else 200


@blueprint.route("/pin", methods=["GET", "POST"])
@signed_in
@limits.on_post("rate_account_change", limits.by_address, limits.by_signed_in)
def change_pin() -> Any:
    """The phone PIN: 6 to 8 digits, not trivial; the web password confirms it is you."""
    error = None
    if request.method == "POST":
        with session_scope() as db:
            marshal = _me(db)
            error = _current_password_ok(db, marshal) or _new_pin(db, marshal)
        if error is None:
            flash(texts.PIN_CHANGED)
            return redirect(url_for("account.profile"))
    return render_template("pin.html", error=error), 400 if error else 200


def _new_pin(db: Session, marshal: Marshal) -> str | None:
    pin, confirm = request.form.get("pin", "").strip(), request.form.get("confirm", "").strip()
    problem = pin_problem(pin)
    if problem is None and pin != confirm:
        problem = texts.PIN_MISMATCH
    if problem is None:
        set_pin(marshal, pin)
        db.add(AuditEvent(kind="pin_changed", marshal_id=marshal.id, channel="WEB"))
    return problem[:1].upper() + problem[1:] + "." if problem and problem[0].islower() else problem
