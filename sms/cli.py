"""`serveline text`: a terminal simulator for the sms channel (placeholder until it is built)."""

from __future__ import annotations

import click


@click.command("text")
def text_command() -> None:
    """Try the line from a terminal, playing Twilio's part (not built yet)."""
    raise click.ClickException("the simulator is not built yet")
