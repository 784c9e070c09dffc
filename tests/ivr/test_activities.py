"""Each activity recorded by keypad, from sign-in to confirmation number."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from pathlib import Path
from time import sleep
from zoneinfo import ZoneInfo

import pytest
import responses
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import jobs
from speech.models import SpokenComment
from tests.conftest import reconfigure
from tests.ivr.driver import Phone
from tests.ivr.helpers import activities_of, call_log

PIN = "246810"


def later_today(zone: ZoneInfo) -> datetime:
    """A minute well ahead of now (beyond the clock skew allowed) and still today.

    In the last five minutes of the day there is none: wait for the next day to begin.
    """
    now = datetime.now(zone)
    if now.time() >= time(23, 55):
        midnight = datetime.combine(now.date() + timedelta(days=1), time(0, 0, 1), zone)
        sleep((midnight - now).total_seconds())
        now = datetime.now(zone)
    return min(now + timedelta(hours=2), now.replace(hour=23, minute=59))


def signed_in(phone: Callable[..., Phone]) -> Phone:
    return phone().press(PIN)


def to_activity_menu(phone: Callable[..., Phone], docket: str = "4012199") -> Phone:
    return signed_in(phone).press(docket).press("1")


def test_a_service_in_hand_is_recorded_with_a_confirmation_number_and_fax_notice(
    phone: Callable[..., Phone], session: Session
) -> None:
    call = to_activity_menu(phone).press("1").press("1").press("1").press("2").press("3")
    assert "Recording service in hand, on The Riddler, just now" in call.text
    call.press("1")
    [activity] = activities_of(session, call)
    assert (activity.kind, activity.method, activity.channel) == ("SERVICE", "HAND", "PHONE")
    assert activity.police_assistance is False and activity.firearms == "UNKNOWN"
    assert " ".join(activity.confirmation) in call.text
    assert "Police will be faxed." in call.text
    assert call_log(session, call).activity_id == activity.id


def test_an_attempt_is_recorded_with_its_reason(
    phone: Callable[..., Phone], session: Session
) -> None:
    call = to_activity_menu(phone).press("2")
    assert "Why was it not served? Not at home, press 1. Evading service, 2." in call.text
    call.press("2").press("1").press("1").press("1").press("1")
    [activity] = activities_of(session, call)
    assert (activity.kind, activity.attempt_reason) == ("ATTEMPT", "EV")
    assert activity.police_assistance is True and activity.firearms == "YES"
    assert "fax" not in call.text


def test_a_receipt_asks_no_police_questions(phone: Callable[..., Phone], session: Session) -> None:
    call = to_activity_menu(phone).press("3").press("1")
    assert "Recording receipt of the order" in call.text
    call.press("1")
    assert [a.kind for a in activities_of(session, call)] == ["RECEIPT"]


def test_a_transfer_reads_the_receiving_marshal_back_by_name(
    phone: Callable[..., Phone], session: Session
) -> None:
    call = to_activity_menu(phone).press("4").press("417")
    assert "Transfer to marshal Maria Santos, number 4 1 7." in call.text
    call.press("1").press("1").press("1")
    [activity] = activities_of(session, call)
    assert activity.kind == "TRANSFER"
    assert activity.transfer_to is not None and activity.transfer_to.smc_number == "417"


def test_other_information_keeps_the_spoken_comment_recording(
    phone: Callable[..., Phone], session: Session
) -> None:
    call = to_activity_menu(phone).press("5")
    assert call.document is not None and call.document.find("Record") is not None
    call.record("REcomment42").press("1").press("1")
    [activity] = activities_of(session, call)
    assert activity.kind == "OTHER"
    assert activity.comment == "Spoken comment, recording REcomment42"
    assert any(s.input_redacted == "recording REcomment42" for s in call_log(session, call).steps)


def test_a_time_entered_by_keypad_is_recorded_in_local_time(
    phone: Callable[..., Phone], session: Session
) -> None:
    zone = ZoneInfo("America/New_York")
    earlier = (datetime.now(zone) - timedelta(hours=3)).replace(second=0, microsecond=0)
    hour12 = earlier.hour % 12 or 12
    call = to_activity_menu(phone).press("3").press("2").press(earlier.strftime("%m%d"))
    call.press(f"{hour12:02d}{earlier.minute:02d}").press("1" if earlier.hour < 12 else "2")
    call.press("1")
    [activity] = activities_of(session, call)
    assert activity.occurred_at == earlier


def test_a_time_in_the_future_is_refused_and_asked_again(phone: Callable[..., Phone]) -> None:
    later = later_today(ZoneInfo("America/New_York"))
    hour12 = later.hour % 12 or 12
    call = to_activity_menu(phone).press("3").press("2").press(later.strftime("%m%d"))
    call.press(f"{hour12:02d}{later.minute:02d}").press("1" if later.hour < 12 else "2")
    assert "is later today: a receipt cannot be recorded before it happens." in call.text
    assert "Enter the month and day" in call.text


def test_a_second_activity_needs_no_second_sign_in(
    phone: Callable[..., Phone], session: Session
) -> None:
    call = to_activity_menu(phone).press("3").press("1").press("1").press("1")
    assert "docket number" in call.text
    call.press("4012198").press("1").press("3").press("1").press("1")
    assert [a.kind for a in activities_of(session, call)] == ["RECEIPT", "RECEIPT"]
    call.press("2")
    assert call.hung_up and "Goodbye" in call.text


def test_a_docket_already_served_says_when_and_by_whom_and_records_again_only_when_asked(
    phone: Callable[..., Phone], session: Session
) -> None:
    first = to_activity_menu(phone).press("3").press("1").press("1")
    second = to_activity_menu(phone).press("3").press("1").press("1")
    assert "Receipt of the order was already recorded on" in second.text
    assert "by Toby Padegenis" in second.text
    second.press("2")
    assert "Nothing was recorded." in second.text
    third = to_activity_menu(phone).press("3").press("1").press("1").press("1")
    [again] = activities_of(session, third)
    [original] = activities_of(session, first)
    assert again.supersedes_id == original.id
    assert activities_of(session, second) == []


def test_a_spoken_comment_is_fetched_kept_with_the_call_deleted_at_twilio_and_transcribed(
    phone_with: Callable[..., Phone],
    session: Session,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    reconfigure(
        twilio_account_sid="ACtest",
        twilio_auth_token="test-twilio-auth-token",
        recordings_dir=tmp_path,
    )
    base = "https://api.twilio.com/2010-04-01/Accounts/ACtest/Recordings/REcomment7"
    call = phone_with(twilio_account_sid="ACtest").press(PIN).press("4012199").press("1")
    call.press("5")
    with responses.RequestsMock() as twilio:
        twilio.get(f"{base}.wav", body=b"RIFF-comment")
        twilio.delete(f"{base}.json", status=204)
        call.record("REcomment7")
        assert [c.request.method for c in twilio.calls] == ["GET", "DELETE"]
    [comment] = session.scalars(select(SpokenComment)).all()
    assert comment.call_id == call_log(session, call).id and comment.status == "kept"
    assert Path(comment.recording_path or "").read_bytes() == b"RIFF-comment"
    ran = jobs.current().ran  # type: ignore[attr-defined]  # the app's in-process queue
    assert sorted(ran) == ["comment-REcomment7", f"transcribe-comment-{comment.id}"]
    with responses.RequestsMock() as twilio:  # the same recording again is not fetched twice
        call.press("*").record("REcomment7")
        assert len(twilio.calls) == 0
