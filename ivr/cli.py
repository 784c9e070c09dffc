"""`serveline call`: a terminal simulator for the ivr channel (placeholder until it is built)."""

from __future__ import annotations

import click


@click.command("call")
def call_command() -> None:
    """Try the line from a terminal, playing Twilio's part (not built yet)."""
    raise click.ClickException("the simulator is not built yet")
