"""What Twilio's webhooks can do to a call: forge, retry, time out, hang up, call back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import responses
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import Activity, CallLog
from tests.conftest import reconfigure
from tests.ivr.driver import Phone
from tests.ivr.helpers import activities_of, call_log

SERVICE_KEYS = ["246810", "4012199", "1", "1", "1", "1", "2", "3"]
STATES = [
    "pin",
    "docket",
    "docket_confirm",
    "activity",
    "method",
    "when",
    "police",
    "firearms",
    "review",
]


def test_a_forged_signature_gets_403_and_changes_nothing(
    client: FlaskClient, phone: Callable[..., Phone], session: Session
) -> None:
    stranger = Phone(client, caller="+18605550190")
    assert stranger.send("/ivr/voice", {}, signature="forged").status_code == 403
    assert stranger.send("/ivr/voice", {}, signature="").status_code == 403
    assert session.scalar(select(CallLog).where(CallLog.call_sid == stranger.call_sid)) is None
    call = phone().press("246810").press("4012199").press("1").press("1").press("1").press("1")
    call.press("2")
    forged = call.send(
        f"/ivr/step?n={len(call_log(session, call).steps)}", {"Digits": "3"}, signature="AAAA"
    )
    assert forged.status_code == 403
    assert call_log(session, call).last_step == "firearms"
    before = session.scalar(select(func.count(Activity.id)))
    call.token = "not-the-real-token"
    with pytest.raises(AssertionError):
        call.press("3")
    assert session.scalar(select(func.count(Activity.id))) == before


def test_a_retried_webhook_gets_the_same_answer_and_records_once(
    phone: Callable[..., Phone], session: Session
) -> None:
    call = phone()
    for keys in SERVICE_KEYS:
        call.press(keys)
    call.press("1")
    first = call.text
    call.retry()
    assert call.text == first
    assert len(activities_of(session, call)) == 1


def test_a_retried_greeting_keeps_one_call_log(
    phone: Callable[..., Phone], session: Session
) -> None:
    call = phone()
    greeting = call.text
    call.last_url, call.last_params = "/ivr/voice", {}
    call.retry()
    assert call.text == greeting
    count = session.scalar(select(func.count(CallLog.id)).where(CallLog.call_sid == call.call_sid))
    assert count == 1


def test_no_input_is_reprompted_twice_then_the_call_ends_politely(
    phone: Callable[..., Phone], session: Session
) -> None:
    call = phone().press("246810").silence()
    assert "I did not hear anything." in call.text and not call.hung_up
    call.silence()
    assert not call.hung_up
    call.silence()
    assert call.hung_up and "Goodbye" in call.text
    assert call_log(session, call).outcome == "no input"


def test_a_wrong_key_says_which_keys_are_valid(phone: Callable[..., Phone]) -> None:
    call = phone().press("246810").press("4012199").press("1").press("7")
    assert "Please press 1, 2, 3, 4 or 5." in call.text
    call.press("9")
    assert "Please press 1, 2, 3, 4 or 5." in call.text


def test_star_goes_back_one_step(phone: Callable[..., Phone]) -> None:
    call = phone().press("246810").press("4012199").press("1").press("1")
    assert "In hand, press 1." in call.text
    call.press("*")
    assert "Service, press 1." in call.text
    call.press("*")
    assert "Respondent The Riddler" in call.text


def test_zero_dials_the_registry_section_in_its_hours(phone_with: Callable[..., Phone]) -> None:
    call = phone_with(registry_section_hours="00:00-24:00").press("246810")
    call.press("4012199").press("0")
    assert call.dialled == "+18773127807"
    assert "Connecting you to the Registry Section." in call.text


def test_zero_reads_the_registry_number_out_of_hours_and_goes_on(
    phone_with: Callable[..., Phone],
) -> None:
    call = phone_with(registry_section_hours="00:00-00:00").press("246810").press("4012199")
    call.press("0")
    assert call.dialled is None
    assert "Its number is 8 7 7, 3 1 2, 7 8 0 7." in call.text
    assert "Right, press 1." in call.text


@pytest.mark.parametrize("pressed", range(len(SERVICE_KEYS) + 1))
def test_hanging_up_before_confirming_records_nothing_and_the_log_shows_where(
    phone: Callable[..., Phone], session: Session, pressed: int
) -> None:
    call = phone()
    for keys in SERVICE_KEYS[:pressed]:
        call.press(keys)
    assert call.hang_up().status_code == 204
    assert activities_of(session, call) == []
    log = call_log(session, call)
    assert log.last_step == STATES[pressed]
    assert log.outcome == "hung up" and log.ended_at is not None
    assert log.duration_seconds == 42


def test_a_recording_callback_fetches_the_audio_deletes_it_at_twilio_and_queues_a_transcript(
    phone: Callable[..., Phone],
    session: Session,
    queue: object,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    reconfigure(
        twilio_account_sid="ACtest",
        twilio_auth_token="test-twilio-auth-token",
        recordings_dir=tmp_path,
    )
    base = "https://api.twilio.com/2010-04-01/Accounts/ACtest/Recordings/RE123"
    call = phone().press("246810")
    with responses.RequestsMock() as twilio:
        twilio.get(f"{base}.wav", body=b"RIFF-audio")
        twilio.delete(f"{base}.json", status=204)
        answer = call.send(
            "/ivr/recording",
            {"RecordingSid": "RE123", "RecordingStatus": "completed", "RecordingUrl": base},
        )
        assert answer.status_code == 204
        assert twilio.calls[0].request.headers["Authorization"].startswith("Basic ")
    log = call_log(session, call)
    assert log.recording_sid == "RE123"
    assert Path(log.recording_path or "").read_bytes() == b"RIFF-audio"
    assert "recording-RE123" in queue.ran  # type: ignore[attr-defined]
    assert f"transcribe-{log.id}" in queue.ran  # type: ignore[attr-defined]
