"""Signing in by phone: caller ID, marshal number, PIN, the shared lock-out."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import CallStep, Marshal, SignInGuard
from tests.ivr.driver import Phone
from tests.ivr.helpers import call_log


def test_a_known_caller_is_greeted_by_name_and_asked_only_for_the_pin(
    phone: Callable[..., Phone],
) -> None:
    call = phone()
    assert "Calls are recorded after sign-in." in call.text
    assert "Marshal Padegenis, your PIN" in call.text


def test_an_unknown_caller_gives_the_marshal_number_then_the_pin(
    phone: Callable[..., Phone],
) -> None:
    call = phone("+15555550123")
    assert "Your marshal number" in call.text
    call.press("417")
    assert "Your PIN" in call.text
    call.press("135792")
    assert "Signed in." in call.text


def test_the_pin_is_never_logged_and_recording_starts_only_after_sign_in(
    phone: Callable[..., Phone], session: Session
) -> None:
    call = phone()
    assert call.document is not None and call.document.find("Start") is None
    call.press("246810")
    start = call.document.find("Start/Recording")
    assert start is not None
    assert start.attrib["recordingStatusCallback"] == "https://serveline.test/ivr/recording"
    log = call_log(session, call)
    stored = [str(getattr(s, c)) for s in log.steps for c in ("input_redacted", "prompt")]
    assert not any("246810" in value for value in stored)
    assert "246810" not in str(log.state)
    assert log.steps[-1].input_redacted == "PIN withheld"


def test_a_wrong_pin_is_refused_and_three_wrong_pins_end_the_call(
    phone: Callable[..., Phone], session: Session
) -> None:
    call = phone().press("111222")
    assert "That PIN is not right." in call.text and not call.hung_up
    call.press("111333").press("111444")
    assert call.hung_up and "could not sign you in" in call.text
    assert call_log(session, call).outcome == "sign-in failed"


def test_a_lock_out_of_the_registered_phone_gives_the_registry_number(
    phone: Callable[..., Phone], session: Session
) -> None:
    toby = session.scalar(select(Marshal).where(Marshal.smc_number == "903"))
    assert toby is not None
    session.add(
        SignInGuard(marshal_id=toby.id, source="phone", failures=4, lock_level=0, day_failures=4)
    )  # four failures already, from this phone
    session.commit()
    call = phone().press("999888")
    assert call.hung_up
    assert "locked for now" in call.text
    assert "8 7 7, 3 1 2, 7 8 0 7" in call.text
    again = phone().press("246810")
    assert "locked" in again.text and again.hung_up


def test_an_unknown_marshal_number_is_said_plainly(phone: Callable[..., Phone]) -> None:
    call = phone("+15555550123").press("999")
    assert "That marshal number is not registered." in call.text


def test_steps_of_the_call_are_logged_with_their_prompts(
    phone: Callable[..., Phone], session: Session
) -> None:
    call = phone().press("246810").press("4012199")
    steps = session.scalars(
        select(CallStep).where(CallStep.call_id == call_log(session, call).id).order_by(CallStep.id)
    ).all()
    assert [s.state_name for s in steps] == ["start", "pin", "docket"]
    assert steps[2].input_redacted == "4012199"
    assert "Respondent The Riddler" in (steps[2].prompt or "")
    assert all(s.duration_ms is not None for s in steps)
