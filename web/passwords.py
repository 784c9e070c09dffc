"""Password rules (the 2015 STS rule brought up to CJIS 5.6.2.1) and initial passwords."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from sqlalchemy.orm import Session

from core.accounts import hash_secret
from core.models import AuditEvent, Marshal
from web import texts
from web.security import keep_this_session

MIN_LENGTH = 8
MAX_LENGTH = 128
COMMON_FILE = Path(__file__).with_name("common_passwords.txt")
# No look-alikes (0/O, 1/l/I): an initial password is read from an email and typed by hand.
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common and breached passwords, lower case."""
    lines = COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))


def password_problem(password: str, userid: str) -> str | None:
    """Why a new password is not acceptable, or None."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        return f"The password must be {MIN_LENGTH} to {MAX_LENGTH} characters long."
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        return "The password must contain both letters and digits."
    if userid and userid.lower() in password.lower():
        return "The password must not contain your userid."
    if password.lower() in common_passwords():
        return "That password is on the list of common or breached passwords: choose another."
    return None


def initial_password() -> str:
    """A random single-use password of 14 characters with letters and digits both."""
    while True:
        candidate = "".join(secrets.choice(_ALPHABET) for _ in range(14))
        if password_problem(candidate, "") is None:
            return candidate


def set_new_password(db: Session, marshal: Marshal, new: str, confirm: str) -> str | None:
    """Check and store a new password (audited); the reason it is refused, or None."""
    problem = password_problem(new, marshal.userid)
    if problem is None and new != confirm:
        problem = texts.CONFIRM_MISMATCH
    if problem is None:
        marshal.password_hash = hash_secret(new)
        marshal.must_change_password = False
        db.add(AuditEvent(kind="password_changed", marshal_id=marshal.id, channel="WEB"))
    return problem


def set_password_from_form(db: Session, marshal: Marshal, form: Mapping[str, str]) -> str | None:
    """The new-password and confirm fields of a form, checked and stored; other sessions of
    this person end, this one goes on."""
    problem = set_new_password(db, marshal, form.get("new_password", ""), form.get("confirm", ""))
    if problem is None:
        keep_this_session(marshal)
    return problem
