"""Reminder and unserved-report commands for operators."""

from __future__ import annotations

import json
from datetime import date, datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from core.db import session_scope
from core.unserved import as_csv, unserved

LINE = (
    "{hearing_date}  {docket}  {respondent}  holder {holder}  last {last_activity}  "
    "reminded {reminded}"
)


@click.command("unserved")
@click.option("--court", default=None, help="only this court location, e.g. HHD")
@click.option(
    "--days",
    type=click.IntRange(0, 366),
    default=7,
    show_default=True,
    help="hearings this many days ahead (and past)",
)
@click.option(
    "--on",
    "on_day",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="as on this day (default today)",
)
@click.option("--json", "as_json", is_flag=True, help="print a JSON array")
@click.option("--csv", "as_csv_", is_flag=True, help="print CSV")
@with_appcontext
def unserved_command(
    court: str | None, days: int, on_day: datetime | None, as_json: bool, as_csv_: bool
) -> None:
    """Dockets whose hearing is near (or just past) with no service and no attempt recorded."""
    zone = current_app.config["SERVELINE"].zone
    today = on_day.date() if on_day else datetime.now(zone).date()
    with session_scope() as session:
        rows = unserved(session, today, days, zone, court)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
    elif as_csv_:
        click.echo(as_csv(rows), nl=False)
    else:
        _lines(rows, today)


def _lines(rows: list[dict[str, object]], today: date) -> None:
    for row in rows:
        click.echo(
            LINE.format(
                **{
                    **row,
                    "holder": row["holder"] or "nobody",
                    "last_activity": row["last_activity"] or "none",
                    "reminded": row["reminded_at"] or "no",
                }
            )
        )
    if not rows:
        click.echo(f"every hearing near {today.isoformat()} has a service or attempt recorded")


@click.command("send-reminders")
@click.option(
    "--kind",
    type=click.Choice(["morning", "eve"]),
    default="morning",
    show_default=True,
    help="the 08:00 run, or the afternoon before the hearing",
)
@click.option(
    "--at",
    "at",
    default=None,
    type=click.DateTime(["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d"]),
    help="run as at this local time (default now)",
)
@with_appcontext
def send_reminders_command(kind: str, at: datetime | None) -> None:
    """Make one reminder run now (claimed: a run already made sends nothing)."""
    from sms.reminders import run_reminders

    zone = current_app.config["SERVELINE"].zone
    now = at.replace(tzinfo=zone) if at else None
    click.echo(f"{run_reminders(kind, now)} reminders sent")
