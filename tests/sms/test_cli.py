"""`serveline text`: signs as Twilio does, so the real webhook accepts it and answers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from click.testing import CliRunner
from flask.testing import FlaskClient

from sms.cli import Texter, show, text_command
from tests.conftest import PUBLIC_BASE, TWILIO_TOKEN

Transport = Callable[[str, dict[str, str], dict[str, str]], tuple[int, str]]


def through(client: FlaskClient) -> Transport:
    """A transport that hands the request to the app in this process."""

    def post(url: str, form: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        response = client.post(url.replace(PUBLIC_BASE, ""), data=form, headers=headers)
        return response.status_code, response.get_data(as_text=True)

    return post


def test_the_simulator_signs_so_the_line_accepts_a_whole_exchange(
    client: FlaskClient, clock: datetime
) -> None:
    phone = Texter(
        PUBLIC_BASE, "+18605550190", TWILIO_TOKEN, transport=through(client), account_sid="ACtest"
    )
    assert (phone.send("PIN 246810") or "").startswith("PIN accepted")
    assert (phone.send("S 4012199 H 1430") or "").endswith("Reply OK to record, X to discard.")
    assert (phone.send("OK") or "").startswith("Recorded ")


def test_the_simulator_shows_when_there_is_no_reply() -> None:
    assert show(None) == "   (no reply)"
    assert show("Recorded") == "<- Recorded"


def test_a_line_that_is_not_running_is_reported_plainly() -> None:
    result = CliRunner().invoke(text_command, ["--url", "http://127.0.0.1:9", "HELP"])
    assert result.exit_code == 1
    assert "is ServeLine running" in result.output
