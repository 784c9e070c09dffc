"""`serveline text`: signs as Twilio does, so the real webhook accepts it and answers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from click.testing import CliRunner
from flask.testing import FlaskClient

from core.settings import Settings
from sms.cli import Texter, _rest_stand_in, show, text_command
from sms.jobs import delete_message
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


def test_the_simulator_plays_twilios_rest_api_so_a_pin_text_is_deleted_there(
    settings: Settings,
) -> None:
    api = _rest_stand_in(TWILIO_TOKEN, 0)
    assert api is not None
    try:
        line = settings.but(twilio_api_base=api.url, twilio_auth_token=TWILIO_TOKEN)
        delete_message("SM" + "1" * 32, line)
        delete_message("SM" + "1" * 32, line)  # a second try finds it gone (404): no error
        assert api.deleted_messages == ["SM" + "1" * 32]
        assert [m for m, _ in api.requests] == ["DELETE", "DELETE"]
    finally:
        api.close()


def test_a_rest_api_port_already_played_is_left_to_the_one_playing_it() -> None:
    first = _rest_stand_in(TWILIO_TOKEN, 0)
    assert first is not None
    try:
        port = int(first.url.rsplit(":", 1)[1])
        assert _rest_stand_in(TWILIO_TOKEN, port) is None
    finally:
        first.close()
