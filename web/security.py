"""Who is signed in, CSRF tokens, the 30-minute idle limit, and the page guards."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

from flask import Blueprint, abort, g, redirect, render_template, request, session, url_for
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.exceptions import TooManyRequests
from werkzeug.routing import IntegerConverter

from core.db import session_scope, utcnow
from core.models import Marshal, Role
from web.models import WebSession

T = TypeVar("T")

IDLE_SECONDS = 30 * 60
STAFF_ROLES = frozenset({Role.STAFF.value, Role.ADMIN.value})
# Where a half-finished sign-in must go before anything else.
STAGE_PAGES = {
    "must_change": "auth.first_password",
    "totp": "auth.two_factor",
    "enrol": "auth.two_factor",
}


@dataclass(frozen=True)
class Viewer:
    """The signed-in person, as the pages need them."""

    id: int
    userid: str
    name: str
    role: str

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN.value


def csrf_token() -> str:
    """This session's CSRF token (made on first use); every form carries it."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return str(session["csrf"])


def before_page() -> Any:
    """Every page request: end idle and revoked sessions, refuse forms without the session's
    CSRF token."""
    _expire_idle()
    _end_if_revoked()
    if request.method == "POST" and not _csrf_ok():
        abort(400, "This form has expired or did not come from ServeLine. Please try again.")
    return None


def _expire_idle() -> None:
    now = time.time()
    seen = session.get("seen")
    if seen is not None and now - float(seen) > IDLE_SECONDS and "uid" in session:
        session.clear()
        session["idle"] = True
    session["seen"] = now
    session.permanent = True


def _csrf_ok() -> bool:
    given = request.form.get("csrf_token", "")
    expected = session.get("csrf", "")
    return bool(given) and bool(expected) and hmac.compare_digest(given, str(expected))


def start_session(marshal: Marshal, stage: str, db: Session) -> None:
    """A fresh session for this person (nothing carried over from before sign-in), kept on the
    server too, so that it can be ended there."""
    session.clear()
    sid = secrets.token_urlsafe(32)
    db.add(WebSession(id_hash=_sid_hash(sid), marshal_id=marshal.id))
    session.update(
        uid=marshal.id,
        stage=stage,
        seen=time.time(),
        csrf=secrets.token_urlsafe(32),
        stamp=password_stamp(marshal),
        sid=sid,
    )
    session.permanent = True


def _sid_hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def end_session() -> None:
    """Sign-out: the session ends on the server (a copy of the cookie stops working) and here."""
    sid = session.get("sid")
    session.clear()
    if sid:
        with session_scope() as db:
            db.execute(
                update(WebSession)
                .where(WebSession.id_hash == _sid_hash(str(sid)), WebSession.ended_at.is_(None))
                .values(ended_at=utcnow())
            )


def end_sessions_of(db: Session, marshal_id: int) -> None:
    """Every session of this person ends (deactivation)."""
    db.execute(
        update(WebSession)
        .where(WebSession.marshal_id == marshal_id, WebSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def _end_if_revoked() -> None:
    if "uid" not in session:
        return
    sid = session.get("sid")
    with session_scope() as db:
        live = sid and db.scalar(
            select(WebSession.marshal_id).where(
                WebSession.id_hash == _sid_hash(str(sid)), WebSession.ended_at.is_(None)
            )
        )
        if live != session.get("uid"):
            session.clear()


def password_stamp(marshal: Marshal) -> str:
    """Changes whenever the password does: a session begun before the change ends with it."""
    return hashlib.sha256((marshal.password_hash or "").encode()).hexdigest()[:16]


def keep_this_session(marshal: Marshal) -> None:
    """The password was just changed in this session: this one goes on, the others end."""
    if session.get("uid") == marshal.id:
        session["stamp"] = password_stamp(marshal)


def viewer() -> Viewer | None:
    """The fully signed-in person of this request, or None."""
    if "viewer" in g:
        return g.viewer
    g.viewer = _load_viewer() if session.get("stage") == "full" else None
    return g.viewer


def _load_viewer() -> Viewer | None:
    with session_scope() as db_session:
        marshal = db_session.get(Marshal, session.get("uid"))
        if marshal is None or not marshal.active:
            return None
        if session.get("stamp") != password_stamp(marshal):
            session.clear()  # the password changed elsewhere (or was reset): sign in again
            return None
        return Viewer(marshal.id, marshal.userid, marshal.display_name, marshal.role)


def signed_in(view: Callable[..., Any]) -> Callable[..., Any]:
    """The page needs a full sign-in; otherwise the sign-in page (or the unfinished step)."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        stage = session.get("stage")
        if stage in STAGE_PAGES:
            return redirect(url_for(STAGE_PAGES[stage]))
        if viewer() is None:
            return redirect(url_for("auth.sign_in", next=request.full_path))
        return view(*args, **kwargs)

    return guarded


def staff_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """The page is for Registry Section staff: a marshal gets 403."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        current = viewer()
        if current is not None and not current.is_staff:
            abort(403)
        return view(*args, **kwargs)

    return signed_in(guarded)


def admin_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """The page is for administrators (accounts): staff and marshals get 403."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        current = viewer()
        if current is not None and not current.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return signed_in(guarded)


ROW_ID_MAX = 2**31 - 1  # the database's integer ids


def whole_number(text: str | None, limit: int = ROW_ID_MAX) -> int | None:
    """ASCII digits that fit the database's integer, else None (never a ValueError or a 500)."""
    if not text or not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    number = int(text)
    return number if number <= limit else None


class RowId(IntegerConverter):
    """``<int:…>`` in a URL: an id the database's integer holds, or the page is a 404."""

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", ROW_ID_MAX)
        super().__init__(url_map, *args, **kwargs)


def found_or_404(db: Session, model: type[T], key: int) -> T:
    """The row with this id, or a 404 page."""
    found = db.get(model, key)
    if found is None:
        abort(404)
    return found


def safe_next(target: str | None) -> str | None:
    """A path on this site to follow after sign-in, or None: the one check for every ``next``.

    Browsers drop tabs and newlines, read a backslash as a slash, and ``//host`` as another
    site; so anything with a control character, a backslash, a scheme or a host, before or
    after percent-decoding, is refused rather than repaired."""
    if not target or len(target) > 2000:
        return None
    decoded = unquote(target)
    for form in (target, decoded, unquote(decoded)):
        if not _plain_path(form):
            return None
    return target


def _plain_path(path: str) -> bool:
    if any(ord(c) < 32 or ord(c) == 127 or (c.isspace() and c != " ") or c == "\\" for c in path):
        return False
    if not path.startswith("/") or path.startswith("//"):
        return False
    parts = urlsplit(path)
    return not parts.scheme and not parts.netloc


def page_blueprint(name: str, import_name: str, **options: Any) -> Blueprint:
    """A blueprint of pages: idle limit and CSRF check before, plain error pages, safe headers."""
    blueprint = Blueprint(name, import_name, **options)
    blueprint.before_request(before_page)
    blueprint.after_request(_security_headers)
    for code in (400, 403, 404, 410):
        blueprint.register_error_handler(code, _error_page)
    blueprint.register_error_handler(429, _too_many)
    return blueprint


def _error_page(error: Any) -> Any:
    return render_template("error.html", error=error), error.code


def _too_many(error: Any) -> Any:
    """A plain page: wait, then try again (the limit itself is in the Retry-After header)."""
    plain = TooManyRequests(
        description="Too many requests from here in a short time. Wait a minute, then try again."
    )
    response = error.get_response() if hasattr(error, "get_response") else None
    page = render_template("error.html", error=plain)
    headers = {
        k: v
        for k, v in (response.headers if response else {}).items()
        if k.lower().startswith(("retry-after", "x-ratelimit"))
    }
    return page, 429, headers


def _security_headers(response: Any) -> Any:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Cache-Control", "no-store")
    return response
