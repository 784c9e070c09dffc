"""The Vosk steps: recorded → poll → back to the phone line, through the real app, signed."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import pytest
import responses
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import utcnow
from core.settings import Settings
from edge.signature import sign
from speech.models import DONE, FAILED, Recognition
from speech.results import hypotheses_for
from speech.understand import read_docket
from tests.conftest import wiring_now
from tests.speech.conftest import TOKEN, RecogniserDouble, phone_wav, post_signed
from tests.twilio_ids import twilio_sid

RESUME = "/ivr/step?call=7&s=docket"
RECORDED = f"/ivr/vosk/recorded?resume={quote(RESUME, safe='')}"
RECORDING = "https://api.twilio.com/2010-04-01/Accounts/ACtest/Recordings/RE1"
FORM = {
    "CallSid": "CA1",
    "RecordingSid": "RE1",
    "RecordingDuration": "4",
    "RecordingUrl": "https://evil.example/steal",
}


def twilio_has_the_recording() -> None:
    responses.add(responses.GET, RECORDING + ".wav", body=phone_wav(2.0), status=200)
    responses.add(responses.DELETE, RECORDING + ".json", status=204)


def poll_url(text: str) -> str:
    start = text.index("/ivr/vosk/poll")
    return text[start : text.index("<", start)].replace("&amp;", "&")


@responses.activate
@pytest.mark.usefixtures("twilio_env", "queue")
def test_a_recorded_docket_is_decoded_and_the_caller_resumes_with_its_hypotheses(
    client: FlaskClient, session: Session, recogniser: RecogniserDouble
) -> None:
    twilio_has_the_recording()
    answer = post_signed(client, RECORDED, FORM)
    assert answer.status_code == 200
    assert '<Pause length="1" />' in answer.text and "/ivr/vosk/poll?id=" in answer.text
    polled = post_signed(client, poll_url(answer.text), {"CallSid": "CA1"})
    row = session.scalars(select(Recognition)).one()
    resume = RESUME.replace("&", "&amp;")
    assert f'<Redirect method="POST">{resume}&amp;vosk={row.id}' in polled.text
    heard = hypotheses_for(session, row.id)
    assert heard is not None
    assert read_docket(heard, "KNL", 2026).docket.canonical == "HHD-FA14-4012199-S"  # type: ignore[union-attr]


@responses.activate
@pytest.mark.usefixtures("twilio_env", "queue")
def test_the_recording_is_fetched_from_twilios_api_with_the_account_keys_and_deleted(
    client: FlaskClient, session: Session, recogniser: RecogniserDouble
) -> None:
    twilio_has_the_recording()
    post_signed(client, RECORDED, FORM)
    fetched, deleted = responses.calls
    assert fetched.request.url == RECORDING + ".wav"
    assert fetched.request.headers["Authorization"].startswith("Basic ")
    assert deleted.request.method == "DELETE"
    fed = recogniser.fed[0]
    assert fed["bytes"] == 2 * 16000 * 2  # two seconds of 16 kHz 16-bit audio
    assert fed["grammar"][-1] == "[unk]" and "hartford" in fed["grammar"]
    assert fed["alternatives"] > 1


@responses.activate
@pytest.mark.usefixtures("twilio_env", "queue")
def test_a_second_delivery_of_the_same_recording_is_decoded_once(
    client: FlaskClient, session: Session, recogniser: RecogniserDouble
) -> None:
    twilio_has_the_recording()
    first = post_signed(client, RECORDED, FORM)
    second = post_signed(client, RECORDED, FORM)
    assert poll_url(first.text) == poll_url(second.text)
    assert len(recogniser.fed) == 1
    assert session.scalars(select(Recognition)).one().status == DONE


@pytest.mark.usefixtures("twilio_env", "queue")
def test_a_poll_before_the_result_waits_a_second_and_after_eight_seconds_gives_up(
    client: FlaskClient, session: Session
) -> None:
    row = Recognition(
        call_sid="CA2",
        recording_sid="RE2",
        step="docket",
        resume_url=RESUME,
        status="queued",
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    waiting = post_signed(client, f"/ivr/vosk/poll?id={row.id}", {"CallSid": "CA2"})
    assert '<Pause length="1" />' in waiting.text and f"poll?id={row.id}" in waiting.text
    row.created_at = utcnow() - timedelta(seconds=9)
    session.flush()
    late = post_signed(client, f"/ivr/vosk/poll?id={row.id}", {"CallSid": "CA2"})
    assert "vosk=timeout" in late.text
    assert hypotheses_for(session, row.id) is None


@responses.activate
@pytest.mark.usefixtures("twilio_env", "queue", "no_model")
def test_without_a_model_the_recognition_fails_and_the_caller_is_offered_the_keypad(
    client: FlaskClient, session: Session
) -> None:
    answer = post_signed(client, RECORDED, FORM)
    polled = post_signed(client, poll_url(answer.text), {"CallSid": "CA1"})
    assert "vosk=timeout" in polled.text
    assert session.scalars(select(Recognition)).one().status == FAILED
    assert len(responses.calls) == 0  # nothing fetched when nothing can decode it


@pytest.mark.usefixtures("queue")
def test_a_forged_request_is_refused_and_nothing_is_claimed(
    client: FlaskClient, session: Session
) -> None:
    answer = client.post(RECORDED, data=FORM, headers={"X-Twilio-Signature": "forged"})
    assert answer.status_code == 403
    assert session.scalars(select(Recognition)).all() == []


@pytest.mark.usefixtures("queue")
def test_a_resume_url_off_the_phone_line_is_not_followed(
    client: FlaskClient, session: Session
) -> None:
    evil = f"/ivr/vosk/recorded?resume={quote('https://evil.example/x', safe='')}"
    answer = post_signed(client, evil, FORM)
    assert "evil" not in answer.text and "<Hangup" in answer.text


@pytest.mark.usefixtures("queue")
def test_an_empty_recording_goes_straight_back_with_timeout(client: FlaskClient) -> None:
    answer = post_signed(client, RECORDED, {**FORM, "RecordingDuration": "0"})
    assert "vosk=timeout" in answer.text


def test_without_a_public_base_url_a_signed_action_url_with_an_encoded_resume_is_accepted(
    settings: Settings, connection: object
) -> None:
    """Twilio signs the action URL as the TwiML wrote it (resume=%2Fivr…); `make run` has no
    PUBLIC_BASE_URL, and the softphone's say: at a recording got 403 before."""
    application = wiring_now().app_with(public_base_url=None)
    form = {
        "CallSid": twilio_sid("CA", "local"),
        "AccountSid": settings.twilio_account_sid,
        "Digits": "1",
    }
    signature = sign("http://localhost" + RECORDED, form, TOKEN)
    answer = application.test_client().post(
        RECORDED, data=form, headers={"X-Twilio-Signature": signature}
    )
    assert answer.status_code == 200 and "<Response>" in answer.text
