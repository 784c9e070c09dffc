"""The ``serveline`` command: a Flask CLI group with the registry's commands."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy.orm import Session

from core.db import session_scope
from core.demo import DemoFacts, demo_facts, seed_demo
from core.dockets import DocketError
from core.imports import (
    ImportError_,
    ImportResult,
    import_agencies,
    import_courts,
    import_daybook,
    import_marshals,
)
from core.reports import activities_report, faxes_report
from core.settings import CLI_SETTINGS, load_settings
from fax.cli import reconcile_command, routing_gaps_command
from ivr.cli import call_command
from sms.cli import text_command
from sms.reminder_cli import send_reminders_command, unserved_command
from statefile.cli import reconcile_state_file_command, state_file_command
from web.account_cli import accounts_command, create_account_command
from web.app import create_app
from web.initial import send_initial_passwords_command, sign_in_link
from web.manual import find_by_text


def _zone() -> ZoneInfo:
    return current_app.config["SERVELINE"].zone


@click.group("db")
def db_group() -> None:
    """Database migrations."""


@db_group.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Apply every migration (alembic upgrade head)."""
    from web.migrate import upgrade

    upgrade(current_app.config["SERVELINE"].database_url)
    click.echo("database is up to date")


def _import(path: Path, importer: Callable[[Session, TextIO], ImportResult]) -> None:
    try:
        with path.open(newline="", encoding="utf-8-sig") as stream, session_scope() as session:
            result = importer(session, stream)
    except ImportError_ as error:
        error.file = str(path)
        raise click.ClickException(f"{error.describe()}; nothing was imported") from error
    except UnicodeDecodeError as error:
        raise click.ClickException(f"{path}: not UTF-8 text; nothing was imported") from error
    click.echo(f"{path}: {result.created} added, {result.updated} updated")


_CSV = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command("import-daybook")
@click.argument("file", type=_CSV)
@with_appcontext
def import_daybook_command(file: Path) -> None:
    """Upsert dockets from the clerk's daybook CSV."""
    _import(file, import_daybook)


@click.command("import-marshals")
@click.argument("file", type=_CSV)
@with_appcontext
def import_marshals_command(file: Path) -> None:
    """Upsert marshals from a CSV."""
    _import(file, import_marshals)


@click.command("import-agencies")
@click.argument("file", type=_CSV)
@with_appcontext
def import_agencies_command(file: Path) -> None:
    """Upsert police agencies and the towns they cover from a CSV."""
    _import(file, import_agencies)


@click.command("import-courts")
@click.argument("file", type=_CSV)
@with_appcontext
def import_courts_command(file: Path) -> None:
    """Add or rename court locations from a CSV (code,name)."""
    _import(file, import_courts)


def _docket(session: Session, text: str) -> Any:
    """The docket in any form the lines take; a bare number is the one open case so numbered."""
    try:
        match = find_by_text(session, text, None, _zone())
    except DocketError as error:
        raise click.ClickException(f"{text}: {error.message}") from error
    if match.docket is not None:
        return match.docket
    if match.candidates:
        listed = ", ".join(d.canonical for d in match.candidates)
        raise click.ClickException(f"{text} matches {len(match.candidates)} cases: {listed}")
    raise click.ClickException(f"{text.strip()} is not in the registry")


@click.command("activities")
@click.argument("docket")
@click.option("--json", "as_json", is_flag=True, help="print a JSON array")
@with_appcontext
def activities_command(docket: str, as_json: bool) -> None:
    """The docket's activities, newest first."""
    with session_scope() as session:
        rows = activities_report(session, _docket(session, docket), _zone())
    _print(rows, as_json, ("recorded_at", "activity", "method", "confirmation", "current"))


@click.command("faxes")
@click.option("--docket", default=None, help="only this docket's faxes")
@click.option("--json", "as_json", is_flag=True, help="print a JSON array")
@with_appcontext
def faxes_command(docket: str | None, as_json: bool) -> None:
    """Fax notices with agency, fax number and status."""
    with session_scope() as session:
        only = _docket(session, docket) if docket else None
        rows = faxes_report(session, _zone(), only)
    _print(rows, as_json, ("id", "docket", "agency", "fax", "status", "attempts"))


def _print(rows: list[dict[str, Any]], as_json: bool, columns: tuple[str, ...]) -> None:
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        click.echo("  ".join(str(row[c]) for c in columns))


@click.command("seed-demo")
@click.option("--url", default=None, help="where the pages are (default PUBLIC_BASE_URL)")
@with_appcontext
def seed_demo_command(url: str | None) -> None:
    """Load the demo towns, agencies, marshals and dockets (development only)."""
    settings = current_app.config["SERVELINE"]
    if not settings.is_development:
        raise click.ClickException(
            "seed-demo loads accounts with published PINs and passwords: "
            "only for a development run (SERVELINE_ENV=development)"
        )
    today = datetime.now(_zone()).date()
    with session_scope() as session:
        seed_demo(session, today)
    with session_scope() as session:
        facts = demo_facts(session, today)
    click.echo(describe_demo(facts, sign_in_link(settings, url)))


def describe_demo(facts: DemoFacts, sign_in: str) -> str:
    """The demo facts a newcomer needs, as ``make run`` prints them."""
    lines = ["Demo data loaded.", "Dockets:"]
    lines += [f"  {canonical}  {name}" for canonical, name in facts.dockets]
    lines.append("Marshals (call or text from the phone, or key the SMC number, then the PIN):")
    lines += [
        f"  SMC {m.smc_number}  {m.name:<16} phone {m.phone}  userid {m.userid}  "
        f"PIN {m.pin or '(the one they chose)'}"
        for m in facts.marshals
    ]
    password = facts.staff_password or "(the one chosen at first sign-in)"
    lines.append(f"Staff pages: {sign_in}  userid {facts.staff_userid}, password {password}")
    if facts.staff_password:
        lines.append(
            "  (the first sign-in chooses a new password, then enrols an authenticator app)"
        )
    return "\n".join(lines)


@click.command("worker")
@click.option("--burst", is_flag=True, help="stop when the queues are empty")
def worker_command(burst: bool) -> None:
    """An RQ worker for every ServeLine queue, with the scheduler on (needs REDIS_URL)."""
    from web import services
    from web.app import settings_or_exit
    from web.queue import run_worker

    settings = settings_or_exit()
    if not settings.redis_url:
        raise click.ClickException("REDIS_URL is not set: without it jobs run in the web process")
    run_worker(services.build(settings), burst=burst)


@click.command("sweep")
@with_appcontext
def sweep_command() -> None:
    """Queue again every fax notification still owed."""
    from core.outbox import sweep

    click.echo(f"{len(sweep())} notifications queued again")


COMMANDS = (
    call_command,
    text_command,
    db_group,
    import_daybook_command,
    import_marshals_command,
    import_agencies_command,
    import_courts_command,
    create_account_command,
    accounts_command,
    activities_command,
    faxes_command,
    seed_demo_command,
    worker_command,
    sweep_command,
    send_initial_passwords_command,
    routing_gaps_command,
    reconcile_command,
    state_file_command,
    reconcile_state_file_command,
    unserved_command,
    send_reminders_command,
)


class ServeLineGroup(FlaskGroup):
    """Flask's CLI group; listing the commands (``--help``) does not build the app, so it works
    before the settings are complete. Commands that need the app check the settings first."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.commands)

    def invoke(self, ctx: click.Context) -> Any:
        """Commands that need no app (the simulators) read the environment's settings here."""
        ctx.meta[CLI_SETTINGS] = load_settings
        return super().invoke(ctx)


def build_cli() -> FlaskGroup:
    group = ServeLineGroup(
        create_app=lambda: create_app(), help="ServeLine: the service-tracking line."
    )
    for command in COMMANDS:
        group.add_command(command)
    return group


main = build_cli()
