"""Accounts as an administrator keeps them: create, change a role, unlock, reset the second
factor, deactivate. Each change is an audit event naming who made it (``by``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import guards
from core.accounts import is_locked
from core.models import AuditEvent, Marshal, Role

ROLES = tuple(role.value for role in Role)
_USERID = re.compile(r"[a-z][a-z0-9._-]{1,39}")


class AccountError(ValueError):
    """A change that cannot be made, in words for the person who asked for it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class NewAccount:
    """What an administrator types to open an account."""

    userid: str
    role: str
    email: str
    first_name: str
    last_name: str
    smc_number: str | None = None


def create_account(session: Session, new: NewAccount, by: str, channel: str) -> Marshal:
    """A new account that must choose its password at first sign-in; AccountError if not."""
    _check_new(session, new)
    account = Marshal(
        userid=new.userid.lower(),
        role=new.role,
        email=new.email.lower(),
        first_name=new.first_name,
        last_name=new.last_name,
        smc_number=new.smc_number or None,
        must_change_password=True,
    )
    session.add(account)
    session.flush()
    _audit(session, "account_created", account, by, channel, role=new.role)
    return account


def _check_new(session: Session, new: NewAccount) -> None:
    if not _USERID.fullmatch(new.userid.lower()):
        raise AccountError(
            f"{new.userid!r} is not a userid: 2 to 40 letters, digits, . _ -, "
            "starting with a letter"
        )
    _check_role(new.role)
    if not new.first_name.strip() or not new.last_name.strip():
        raise AccountError("the first and last name are required")
    if "@" not in new.email:
        raise AccountError(f"{new.email!r} is not an email address")
    if new.smc_number and not new.smc_number.isdigit():
        raise AccountError(f"SMC number {new.smc_number!r} must be digits")
    _check_free(session, func.lower(Marshal.userid), new.userid.lower(), "userid")
    _check_free(session, func.lower(Marshal.email), new.email.lower(), "email")
    if new.smc_number:
        _check_free(session, Marshal.smc_number, new.smc_number, "SMC number")


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"{role!r} is not a role: use " + ", ".join(ROLES))


def _check_free(session: Session, column: Any, value: str, what: str) -> None:
    if session.scalar(select(Marshal.userid).where(column == value)) is not None:
        raise AccountError(f"there is already an account with {what} {value}")


def change_role(session: Session, account: Marshal, role: str, by: str, channel: str) -> None:
    """Another role; a new staff or admin enrols a second factor at their next sign-in."""
    _check_role(role)
    if role == account.role:
        return
    _audit(session, "role_changed", account, by, channel, role=role, was=account.role)
    account.role = role


def unlock(session: Session, account: Marshal, by: str, channel: str) -> None:
    """End a lock-out now and forget the failures counted toward the next one."""
    account.locked_until = None
    account.failed_attempts = 0
    for kind in guards.KINDS:  # every source: phone, other phones, text, web, second factor
        guards.unlock(session, account.id, kind, by)
    _audit(session, "account_unlocked", account, by, channel)


def reset_second_factor(session: Session, account: Marshal, by: str, channel: str) -> None:
    """Forget the authenticator: the person enrols a new one at their next sign-in."""
    account.totp_secret = None
    account.totp_last_step = None
    _audit(session, "second_factor_reset", account, by, channel)


def set_active(session: Session, account: Marshal, active: bool, by: str, channel: str) -> None:
    """Deactivate (no sign-in on any channel; the history stays) or reactivate an account."""
    if account.active == active:
        return
    account.active = active
    _audit(
        session, "account_reactivated" if active else "account_deactivated", account, by, channel
    )


def _audit(
    session: Session, kind: str, account: Marshal, by: str, channel: str, **detail: str
) -> None:
    session.add(
        AuditEvent(kind=kind, marshal_id=account.id, channel=channel, detail={"by": by, **detail})
    )


def account_rows(session: Session) -> list[dict[str, Any]]:
    """Every account as the command line and the Accounts page list it; never a secret."""
    people = session.scalars(select(Marshal).order_by(Marshal.role, Marshal.userid))
    return [account_row(person) for person in people]


def account_row(person: Marshal) -> dict[str, Any]:
    return {
        "userid": person.userid,
        "role": person.role,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "smc_number": person.smc_number,
        "email": person.email,
        "active": person.active,
        "locked": is_locked(person),
        "must_change_password": person.must_change_password,
        "has_second_factor": person.totp_secret is not None,
    }
