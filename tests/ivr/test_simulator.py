"""`serveline call` follows the line's TwiML, signed as Twilio signs, from greeting to goodbye."""

from __future__ import annotations

from pathlib import Path

import requests
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from edge.standin import TwilioApi, silence
from ivr.cli import Softphone
from speech.models import SpokenComment
from tests.ivr.driver import BASE, TOKEN
from tests.ivr.helpers import activities_of, call_log

COMMENT_CALL = ["246810", "4012199", "1", "5", "", "1", "1", "2"]


def softphone(
    client: FlaskClient,
    keys: list[str],
    heard: list[str],
    api: TwilioApi | None = None,
    wav: bytes | None = None,
) -> Softphone:
    def post(url: str, form: dict[str, str], headers: dict[str, str]) -> str:
        answer = client.post(url.removeprefix("http://127.0.0.1:5000"), data=form, headers=headers)
        assert answer.status_code in (200, 204), answer.status_code
        return answer.get_data(as_text=True) or "<Response/>"

    typed = iter(keys)
    return Softphone(
        url="http://127.0.0.1:5000",
        sign_base=BASE,
        caller="+18605550190",
        token=TOKEN,
        read=lambda _: next(typed),
        show=heard.append,
        post=post,
        api=api,
        wav=wav,
        account_sid="ACtest",
        linger_seconds=2,
    )


def test_the_simulator_records_a_service_with_keys_typed_at_the_terminal(
    client: FlaskClient, session: Session
) -> None:
    heard: list[str] = []
    phone = softphone(client, ["246810", "4012199", "1", "1", "1", "1", "2", "3", "1", "2"], heard)
    phone.run()
    assert "[call recording started]" in heard
    assert any("Confirmation number" in line for line in heard)
    assert heard[-1] == "[the line hung up]"
    [activity] = activities_of(session, phone)
    assert activity.kind == "SERVICE"
    assert call_log(session, phone).ended_at is not None


def test_the_simulator_hangs_up_when_asked_and_nothing_is_recorded(
    client: FlaskClient, session: Session
) -> None:
    heard: list[str] = []
    phone = softphone(client, ["246810", "h"], heard)
    phone.run()
    assert activities_of(session, phone) == []
    assert call_log(session, phone).last_step == "docket"


def test_the_stand_in_serves_a_recording_with_the_account_keys_and_deletes_it(
    api: TwilioApi,
) -> None:
    sid = api.recordings.add(b"RIFF....WAVE")
    url = api.recording_url("ACtest", sid)
    assert requests.get(f"{url}.wav", timeout=5).status_code == 401
    assert requests.get(f"{url}.wav", auth=("ACtest", "wrong"), timeout=5).status_code == 401
    fetched = requests.get(f"{url}.wav", auth=("ACtest", TOKEN), timeout=5)
    assert (fetched.status_code, fetched.content) == (200, b"RIFF....WAVE")
    assert requests.delete(f"{url}.json", auth=("ACtest", TOKEN), timeout=5).status_code == 204
    assert requests.get(f"{url}.wav", auth=("ACtest", TOKEN), timeout=5).status_code == 404


def test_with_a_wav_the_line_fetches_the_spoken_comment_and_the_call_recording_from_the_stand_in(
    client: FlaskClient, session: Session, api: TwilioApi
) -> None:
    heard: list[str] = []
    said = silence(2.0)
    phone = softphone(client, COMMENT_CALL, heard, api=api, wav=said)
    phone.run()
    assert any("Confirmation number" in line for line in heard), heard
    [comment] = session.scalars(select(SpokenComment)).all()
    assert comment.status == "kept"
    assert Path(comment.recording_path or "").read_bytes() == said
    log = call_log(session, phone)
    assert log.recording_path and Path(log.recording_path).is_file()
    assert api.recordings.held() == []  # both fetched, and deleted at the stand-in
    methods = [method for method, _ in api.requests]
    assert methods.count("GET") == 2 and methods.count("DELETE") == 2
    assert not any("has not fetched" in line for line in heard)
