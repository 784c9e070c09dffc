"""`serveline call` follows the line's TwiML, signed as Twilio signs, from greeting to goodbye."""

from __future__ import annotations

from pathlib import Path

import requests
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from ivr.cli import Softphone, serve_wav
from tests.ivr.driver import BASE, TOKEN
from tests.ivr.helpers import activities_of, call_log


def softphone(client: FlaskClient, keys: list[str], heard: list[str]) -> Softphone:
    def post(url: str, form: dict[str, str], headers: dict[str, str]) -> str:
        answer = client.post(url.removeprefix("http://127.0.0.1:5000"), data=form,
                             headers=headers)
        assert answer.status_code in (200, 204), answer.status_code
        return answer.get_data(as_text=True) or "<Response/>"

    typed = iter(keys)
    return Softphone(url="http://127.0.0.1:5000", sign_base=BASE, caller="+18605550190",
                     token=TOKEN, read=lambda _: next(typed), show=heard.append, post=post)


def test_the_simulator_records_a_service_with_keys_typed_at_the_terminal(
        client: FlaskClient, session: Session) -> None:
    heard: list[str] = []
    phone = softphone(client, ["246810", "4012199", "1", "1", "1", "1", "2", "3", "1", "2"],
                      heard)
    phone.run()
    assert "[call recording started]" in heard
    assert any("Confirmation number" in line for line in heard)
    assert heard[-1] == "[the line hung up]"
    [activity] = activities_of(session, phone)
    assert activity.kind == "SERVICE"
    assert call_log(session, phone).ended_at is not None


def test_the_simulator_hangs_up_when_asked_and_nothing_is_recorded(
        client: FlaskClient, session: Session) -> None:
    heard: list[str] = []
    phone = softphone(client, ["246810", "h"], heard)
    phone.run()
    assert activities_of(session, phone) == []
    assert call_log(session, phone).last_step == "docket"


def test_the_simulator_serves_a_wav_file_as_the_recording_url(tmp_path: Path) -> None:
    wav = tmp_path / "comment.wav"
    wav.write_bytes(b"RIFF....WAVE")
    base = serve_wav(wav)
    assert requests.get(f"{base}/RE1", timeout=5).content == b"RIFF....WAVE"
