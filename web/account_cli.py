"""``serveline create-account`` and ``serveline accounts``: accounts from the command line."""

from __future__ import annotations

import getpass
import json

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from core.account_admin import AccountError, NewAccount, account_rows, create_account
from core.db import session_scope
from core.models import Marshal
from core.settings import Settings
from web.initial import give_initial_password, send_initial_password, sign_in_link


def _operator() -> str:
    """Who ran the command, for the audit trail."""
    try:
        return f"command line ({getpass.getuser()})"
    except (KeyError, OSError):
        return "command line"


@click.command("create-account")
@click.argument("userid")
@click.option("--role", required=True, help="marshal, staff or admin")
@click.option("--email", required=True, help="where the initial password goes")
@click.option("--first", "first_name", required=True, help="first name")
@click.option("--last", "last_name", required=True, help="last name")
@click.option("--smc", default=None, help="the State Marshal Commission number (marshals)")
@click.option("--url", default=None, help="where the pages are (default PUBLIC_BASE_URL)")
@with_appcontext
def create_account_command(
    userid: str,
    role: str,
    email: str,
    first_name: str,
    last_name: str,
    smc: str | None,
    url: str | None,
) -> None:
    """Create an account and mail it a single-use initial password (printed when mail is the
    local outbox)."""
    settings: Settings = current_app.config["SERVELINE"]
    new = NewAccount(
        userid.strip(),
        role,
        email.strip(),
        first_name.strip(),
        last_name.strip(),
        (smc or "").strip() or None,
    )
    try:
        with session_scope() as db:
            account = create_account(db, new, _operator(), "CLI")
            letter = _hand_over(db, settings, account, sign_in_link(settings, url))
    except AccountError as error:
        raise click.ClickException(f"{error.message}; no account was created") from error
    click.echo(f"account {account.userid} created ({role})")
    if letter is None:
        click.echo(f"initial password mailed to {account.email}")
    else:
        click.echo("no mail server (MAIL_SERVER) is set: hand this email over yourself\n")
        click.echo(letter)


def _hand_over(db: Session, settings: Settings, account: Marshal, link: str) -> str | None:
    """Mail the initial password; without a mail server, the email's text to print."""
    if settings.mail_server:
        send_initial_password(db, settings, account, link)
        return None
    return give_initial_password(db, settings, account, link, kind="initial_password_printed")


@click.command("accounts")
@click.option("--json", "as_json", is_flag=True, help="print a JSON array")
@with_appcontext
def accounts_command(as_json: bool) -> None:
    """Every account: userid, role, names, SMC, locked, must-change, second factor."""
    with session_scope() as db:
        rows = account_rows(db)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        flags = [
            name for name in ("locked", "must_change_password", "has_second_factor") if row[name]
        ] + ([] if row["active"] else ["deactivated"])
        click.echo(
            f"{row['userid']}  {row['role']}  {row['first_name']} {row['last_name']}  "
            f"{row['smc_number'] or '-'}  {' '.join(flags)}"
        )
