"""Sign-in locks, for staff: each marshal's sources (phone, other phones, text, web, second
factor), open or closed and until when, failures today, the last events; an admin unlocks one."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from core import guards
from core.db import session_scope, utcnow
from core.models import AuditEvent, Marshal, Role, SignInGuard
from web.security import found_or_404, page_blueprint, staff_only, viewer

blueprint = page_blueprint("locks", __name__, url_prefix="/staff")
EVENTS = (
    "sign_in_locked",
    "sign_in_unlocked",
    "sign_in_reopened",
    "sign_in_refused_locked",
    "rate_limited",
)


@blueprint.route("/sign-in-locks")
@staff_only
def sign_in_locks() -> Any:
    """Every marshal with a failure on file: the state of each source, and the latest events."""
    now = utcnow()
    with session_scope() as db:
        ids = db.scalars(select(SignInGuard.marshal_id).distinct()).all()
        people = [
            (m, guards.states(db, m.id, now))
            for m in db.scalars(select(Marshal).where(Marshal.id.in_(ids)).order_by(Marshal.userid))
        ]
        recent = db.scalars(
            select(AuditEvent)
            .where(AuditEvent.kind.in_(EVENTS))
            .order_by(AuditEvent.at.desc())
            .limit(50)
        ).all()
        names = {m.id: m.userid for m, _ in people}
        current = viewer()
        return render_template(
            "locks.html",
            people=people,
            recent=recent,
            names=names,
            admin=current is not None and current.role == Role.ADMIN.value,
        )


@blueprint.route("/sign-in-locks/unlock", methods=["POST"])
@staff_only
def unlock() -> Any:
    """An admin opens one kind of source of one marshal (audited)."""
    current = viewer()
    kind, marshal_id = request.form.get("kind", ""), request.form.get("marshal", "")
    if current is None or current.role != Role.ADMIN.value:
        abort(403)
    if kind not in guards.KINDS or not marshal_id.isdigit() or len(marshal_id) > 12:
        abort(404)
    with session_scope() as db:
        marshal = found_or_404(db, Marshal, int(marshal_id))
        guards.unlock(db, marshal.id, kind, by=current.userid)
        flash(f"{guards.LABELS[kind].capitalize()} unlocked for {marshal.userid}.")
    return redirect(url_for("locks.sign_in_locks"))
