"""Initial passwords: random, single use, sent by email to marshals who have not signed in yet."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import services
from core.accounts import hash_secret
from core.db import after_commit, session_scope
from core.models import AuditEvent, Marshal, Role
from core.settings import Settings
from web import texts
from web.passwords import initial_password


def awaiting(db: Session, smc: str | None = None) -> list[Marshal]:
    """Active marshals with an email who still have to choose their own password."""
    statement = select(Marshal).where(
        Marshal.active.is_(True),
        Marshal.email.is_not(None),
        Marshal.must_change_password.is_(True),
        Marshal.role == Role.MARSHAL.value,
    )
    if smc:
        statement = statement.where(Marshal.smc_number == smc)
    return list(db.scalars(statement.order_by(Marshal.smc_number)))


def give_initial_password(
    db: Session,
    settings: Settings,
    marshal: Marshal,
    link: str,
    kind: str = "initial_password_sent",
) -> str:
    """A fresh single-use initial password for the person (audited); the email's text."""
    password = initial_password()
    marshal.password_hash = hash_secret(password)
    marshal.must_change_password = True
    db.add(AuditEvent(kind=kind, marshal_id=marshal.id, channel="WEB"))
    return texts.INITIAL_BODY.format(
        name=marshal.display_name,
        userid=marshal.userid,
        password=password,
        link=link,
        phone=settings.registry_section_phone,
    )


def send_initial_password(db: Session, settings: Settings, marshal: Marshal, link: str) -> None:
    """Give the marshal a fresh initial password; the email goes once the change commits."""
    body = give_initial_password(db, settings, marshal, link)
    to, mailer = marshal.email or "", services.current().mailer
    after_commit(db, lambda: mailer.send(to, texts.INITIAL_SUBJECT, body))


def send_initial_passwords(
    db: Session, settings: Settings, link: str, smc: str | None = None
) -> list[str]:
    """Send every marshal awaiting one (or only SMC ``smc``) an initial password; their userids."""
    chosen = awaiting(db, smc)
    for marshal in chosen:
        send_initial_password(db, settings, marshal, link)
    return [m.userid for m in chosen]


def sign_in_link(settings: Settings, url: str | None = None) -> str:
    """The sign-in page's address for a mailed or printed link."""
    return f"{(url or settings.pages_url).rstrip('/')}/sign-in"


@click.command("send-initial-passwords")
@click.option("--smc", default=None, help="only the marshal with this SMC number")
@click.option("--url", default=None, help="where the pages are (default PUBLIC_BASE_URL)")
@with_appcontext
def send_initial_passwords_command(smc: str | None, url: str | None) -> None:
    """Email a single-use initial password to each marshal who has not chosen one yet."""
    settings = current_app.config["SERVELINE"]
    link = sign_in_link(settings, url)
    with session_scope() as db:
        userids = send_initial_passwords(db, settings, link, smc)
    click.echo(
        f"initial passwords sent: {len(userids)}" + (f" ({', '.join(userids)})" if userids else "")
    )
