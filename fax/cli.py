"""Fax commands for operators: towns without an agency, and the reconciliation on demand."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext

from core.db import session_scope
from fax.reports import routing_gaps

GAP_LINE = (
    "{at}  {town}  {docket}  (no police department covers this town: add it with "
    "serveline import-agencies)"
)


@click.command("routing-gaps")
@click.option("--json", "as_json", is_flag=True, help="print a JSON array")
@with_appcontext
def routing_gaps_command(as_json: bool) -> None:
    """Notices of service that had no police department to go to (a town with no agency)."""
    zone = current_app.config["SERVELINE"].zone
    with session_scope() as session:
        rows = routing_gaps(session, zone)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        click.echo(GAP_LINE.format(**row))
    if not rows:
        click.echo("every town in a recorded service had a police department")


@click.command("reconcile-faxes")
@click.option(
    "--quiet-seconds",
    type=float,
    default=None,
    help="ask about sends quiet this long (default 600)",
)
@with_appcontext
def reconcile_command(quiet_seconds: float | None) -> None:
    """Ask the fax provider about sends whose status callback never came."""
    from fax.jobs import reconcile

    click.echo(f"{reconcile(quiet_seconds)} faxes settled")
