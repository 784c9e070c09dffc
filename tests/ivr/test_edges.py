"""The phone line at its edges (issue 16), in whole signed calls: sign-in, the date rule, the
service on file said at the docket read-back, comments that survive silence, speech at the
activity menu, and prompts that say what they mean."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Marshal
from tests.conftest import set_clock
from tests.ivr.driver import Phone
from tests.ivr.helpers import activities_of

PIN = "246810"
ZONE = ZoneInfo("America/New_York")
TODAY = date.today()
SAY_OR_PRESS = "You can say your answer or press a key."


@pytest.fixture()
def clock(app: Flask) -> Iterator[Callable[[datetime], None]]:
    """Set the phone line's clock to a local moment."""

    def at(local: datetime) -> None:
        now = local.astimezone(UTC)
        set_clock(lambda: now)

    yield at


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE)


def toby(session: Session) -> Marshal:
    found = session.scalar(select(Marshal).where(Marshal.smc_number == "903"))
    assert found is not None
    session.refresh(found)
    return found


def to_activity_menu(phone: Callable[..., Phone], docket: str = "4012199") -> Phone:
    call = phone().press(PIN).press(docket)
    if "several cases" in call.text:  # another year's clock: the Riddler among the open cases
        call.press("1" if call.text.index("The Riddler") < call.text.index("Harvey Dent") else "2")
    return call.press("1")


def another_time(call: Phone, day: date) -> Phone:
    """From the activity menu: a receipt, at another time, on the given day."""
    return call.press("3").press("2").press(f"{day.month:02d}{day.day:02d}")


# sign-in


def test_star_at_the_pin_prompt_goes_back_to_the_marshal_number_and_is_not_a_failure(
    phone: Callable[..., Phone], session: Session
) -> None:
    call = phone().press("*")
    assert "Your marshal number, then pound." in call.text and not call.hung_up
    assert toby(session).failed_attempts == 0
    call.press("903").press(PIN)
    assert "Signed in." in call.text


def test_a_wrong_pin_says_how_many_tries_are_left_and_the_last_gives_the_next_step(
    phone: Callable[..., Phone],
) -> None:
    call = phone().press("111222")
    assert call.text.startswith("That PIN is not right. 2 tries left.") and not call.hung_up
    call.press("111333")
    assert "1 try left." in call.text
    call.press("111444")
    assert call.hung_up
    assert (
        "For help, call the Registry Section at 8 7 7, 3 1 2, 7 8 0 7. You can also set a "
        "new PIN on the ServeLine web page, under Profile. Thank you. Goodbye."
    ) in call.text


# the date rule


def test_a_month_day_still_to_come_is_refused_at_once_by_name(
    phone: Callable[..., Phone], clock: Callable[[datetime], None]
) -> None:
    clock(local(TODAY - timedelta(days=1), 10))
    call = another_time(to_activity_menu(phone), TODAY)
    assert (
        f"{TODAY:%B} {TODAY.day} is tomorrow: a receipt cannot be recorded before it happens."
    ) in call.text
    assert "Enter the month and day" in call.text


def test_a_24_hour_time_needs_no_am_or_pm(
    phone: Callable[..., Phone], clock: Callable[[datetime], None], session: Session
) -> None:
    clock(local(TODAY, 23, 30))
    call = another_time(to_activity_menu(phone), TODAY)
    assert "Enter the time as four digits, 12- or 24-hour. For 2:30 PM, press 1 4 3 0" in call.text
    call.press("1330")
    assert "A M" not in call.text
    assert f"{TODAY:%B} {TODAY.day} at 1:30 PM" in call.text
    call.press("1")
    [activity] = activities_of(session, call)
    assert activity.occurred_at == local(TODAY, 13, 30)


def test_february_29_follows_the_same_rule_as_the_text_line(
    phone: Callable[..., Phone], clock: Callable[[datetime], None]
) -> None:
    leap_year = next(y for y in range(TODAY.year + 1, TODAY.year + 9) if y % 4 == 0)
    clock(local(date(leap_year + 1, 3, 1), 10))
    call = another_time(to_activity_menu(phone), date(leap_year, 2, 29))
    assert f"February 29 is not a date in {leap_year + 1}." in call.text
    clock(local(date(leap_year, 3, 1), 10))
    call.press("0229").press("0900").press("1")
    assert "February 29 at 9:00 AM" in call.text


def test_last_years_day_is_read_back_with_the_year(
    phone: Callable[..., Phone], clock: Callable[[datetime], None]
) -> None:
    clock(local(date(TODAY.year + 1, 1, 2), 12))
    call = another_time(to_activity_menu(phone), date(TODAY.year, 12, 30))
    call.press("0230").press("2")
    assert f"December 30, {TODAY.year} at 2:30 PM" in call.text


# what is on file


def test_a_service_on_file_is_said_at_the_docket_read_back_and_an_attempt_is_confirmed(
    phone: Callable[..., Phone], session: Session
) -> None:
    first = to_activity_menu(phone).press("1").press("1").press("1").press("2").press("3")
    first.press("1").press("2")
    served_on = datetime.now(ZONE)
    call = phone().press(PIN).press("4012199")
    assert (
        f"Already served in hand on {served_on:%B} {served_on.day} by Marshal Padegenis."
        in call.text
    )
    call.press("1").press("2")
    assert (
        "To record an attempt after that service, press 1. To choose again, press 2." in call.text
    )
    call.press("1")
    assert "Why was it not served?" in call.text
    call.press("1").press("1").press("2").press("3").press("1")
    assert [a.kind for a in activities_of(session, call)] == ["ATTEMPT"]


def test_choosing_again_after_the_service_warning_records_nothing(
    phone: Callable[..., Phone], session: Session
) -> None:
    to_activity_menu(phone).press("1").press("1").press("1").press("2").press("3").press("1")
    call = to_activity_menu(phone).press("3").press("2")
    assert "Service, press 1." in call.text
    assert activities_of(session, call) == []


# comments and silence


def test_silence_at_the_comment_offers_to_record_again_and_a_kept_comment_is_confirmed(
    phone: Callable[..., Phone], session: Session
) -> None:
    call = to_activity_menu(phone).press("5").silence()
    assert (
        "I did not hear a comment. Other information needs a comment. Record again, press 1."
    ) in call.text
    assert not call.hung_up
    call.press("1").record("REcomment7")
    assert "Comment kept, 4 seconds." in call.text
    call.press("1").press("1")
    [activity] = activities_of(session, call)
    assert activity.kind == "OTHER"


def test_pound_with_nothing_said_at_the_comment_is_not_a_lost_activity(
    phone: Callable[..., Phone],
) -> None:
    call = to_activity_menu(phone).press("5")
    call.press_at(call._action("Record"), "#")
    assert "I did not hear a comment." in call.text and not call.hung_up
    call.press("*")
    assert "Service, press 1." in call.text


def test_silence_that_ends_the_call_says_the_half_entered_activity_was_not_recorded(
    phone: Callable[..., Phone], session: Session
) -> None:
    call = to_activity_menu(phone).press("1").silence().silence().silence()
    assert call.hung_up
    assert "The service you began was not recorded." in call.text
    assert activities_of(session, call) == []


# speech


def test_served_in_hand_said_at_the_activity_menu_records_the_method_too(
    phone: Callable[..., Phone], session: Session
) -> None:
    call = to_activity_menu(phone).speak("served in hand")
    assert "In hand, press 1." not in call.text
    assert "Just now, press 1." in call.text
    call.press("1").press("2").press("3").press("1")
    [activity] = activities_of(session, call)
    assert (activity.kind, activity.method) == ("SERVICE", "HAND")


def test_the_line_says_once_a_call_that_one_may_speak_at_a_menu(
    phone: Callable[..., Phone],
) -> None:
    said: list[str] = []
    call = phone().press(PIN).press("4012199")
    said.append(call.text)
    for key in ("1", "1", "1", "1", "2", "3"):
        said.append(call.press(key).text)
    assert " ".join(said).count(SAY_OR_PRESS) == 1
    assert SAY_OR_PRESS in said[0]


def test_a_keypad_only_line_never_says_one_may_speak(phone_with: Callable[..., Phone]) -> None:
    call = phone_with(ivr_speech="off").press(PIN).press("4012199")
    assert SAY_OR_PRESS not in call.press("1").text


# clear prompts


def test_the_prompts_say_what_they_mean(phone: Callable[..., Phone]) -> None:
    service = to_activity_menu(phone).press("1").press("2").press("1")
    assert "Did you ask the police for help? Yes, press 1. No, press 2." in service.text
    service.press("2").press("3")
    assert "Recording service at the abode" in service.text
    transfer = to_activity_menu(phone).press("4")
    assert "Enter the receiving marshal's SMC number, then press pound." in transfer.text
    attempt = to_activity_menu(phone).press("2")
    assert attempt.text.startswith("Why was it not served? Not at home, press 1. Evading service,")
