"""State-file commands for operators: the messages and their answers, and asking again."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from core.db import session_scope
from core.dockets import DocketError, parse_docket
from core.models import Docket
from core.registry import docket_by_canonical
from statefile.reports import messages_report

LINE = "{id}  {docket}  {kind}  {status}  {reason}"


@click.command("state-file")
@click.option("--docket", default=None, help="only this docket's messages")
@click.option("--json", "as_json", is_flag=True, help="print a JSON array")
@with_appcontext
def state_file_command(docket: str | None, as_json: bool) -> None:
    """State-file messages with status and reason (answers in the spool's acks/ read first)."""
    from statefile.jobs import collect_answers

    collect_answers()
    zone = current_app.config["SERVELINE"].zone
    with session_scope() as session:
        only = _docket(session, docket, zone) if docket else None
        rows = messages_report(session, zone, only)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    _lines(rows)


def _docket(session: Session, text: str, zone: ZoneInfo) -> Docket:
    try:
        wanted = parse_docket(text, None, datetime.now(zone).year)
    except DocketError as error:
        raise click.ClickException(f"{text}: {error.message}") from error
    found = docket_by_canonical(session, wanted)
    if found is None:
        raise click.ClickException(f"{wanted.canonical} is not in the registry")
    return found


def _lines(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        click.echo(LINE.format(**{**row, "reason": row["reason"] or ""}).rstrip())
    if not rows:
        click.echo("no state-file messages")


@click.command("reconcile-state-file")
@click.option(
    "--quiet-seconds",
    type=float,
    default=None,
    help="ask about messages unanswered this long (default STATE_FILE_ANSWER_WITHIN)",
)
@with_appcontext
def reconcile_state_file_command(quiet_seconds: float | None) -> None:
    """Ask the state file again about messages with no answer yet."""
    from statefile.jobs import reconcile

    click.echo(f"{reconcile(quiet_seconds)} state-file messages settled")
