"""Finding the docket: keyed, bare number across courts, ambiguous, other court, spoken."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy.orm import Session

from tests.ivr.driver import Phone
from tests.ivr.helpers import call_log

YY = f"{date.today().year % 100:02d}"


def test_a_keyed_number_uses_the_marshals_court_and_is_read_back_in_chunks(
    phone: Callable[..., Phone],
) -> None:
    call = phone().press("246810").press("4012199")
    assert f"Docket H H D, F A {YY}, 401 2199, S. Respondent The Riddler." in call.text
    assert "press 1" in call.text


def test_an_unknown_docket_is_said_plainly_and_asked_again(phone: Callable[..., Phone]) -> None:
    call = phone().press("246810").press("7777777")
    assert f"Docket H H D, F A {YY}, 777 7777, S is not in the registry." in call.text
    assert call.gather() is not None


def test_a_call_begun_before_the_default_court_was_kept_reads_it_from_the_marshal(
    phone: Callable[..., Phone], session: Session
) -> None:
    call = phone().press("246810")
    log = call_log(session, call)
    assert log.state["default_court"] == "HHD"
    log.state = {name: value for name, value in log.state.items() if name != "default_court"}
    session.flush()
    call.press("7777777")
    assert f"Docket H H D, F A {YY}, 777 7777, S is not in the registry." in call.text


def test_the_read_back_names_the_respondent_kept_at_the_choice_or_read_from_the_docket(
    phone: Callable[..., Phone], session: Session
) -> None:
    for kept in (True, False):
        call = phone().press("246810").press("4012199").press("1").press("1").press("1")
        call.press("1").press("2")
        log = call_log(session, call)
        assert log.state["respondent"] == "The Riddler"
        if not kept:  # a call that chose its docket before the name was kept
            log.state = {name: value for name, value in log.state.items() if name != "respondent"}
            session.flush()
        assert "on The Riddler" in call.press("3").text


def test_a_short_number_says_how_many_digits(phone: Callable[..., Phone]) -> None:
    call = phone().press("246810").press("40121")
    assert "A docket number has 7 digits." in call.text


def test_a_bare_number_from_another_court_is_found_across_courts(
    phone: Callable[..., Phone],
) -> None:
    call = phone("+18605550191").press("135792").press("4012198")
    assert "H H D" in call.text and "The Joker" in call.text


def test_a_number_on_several_cases_asks_which_by_key(phone: Callable[..., Phone]) -> None:
    call = phone("+12035550192").press("864200").press("4012199")
    assert "That number is on several cases." in call.text
    assert "The Riddler" in call.text and "Harvey Dent" in call.text
    choice = "1" if call.text.index("Harvey Dent") < call.text.index("The Riddler") else "2"
    call.press(choice)
    assert "Respondent Harvey Dent." in call.text and "Right, press 1." in call.text


def test_star_changes_the_court_by_the_letters_on_the_keys(phone: Callable[..., Phone]) -> None:
    call = phone().press("246810").press("*")
    assert "To change the court, press 1." in call.text
    call.press("1").press("565")
    assert "Court location New London." in call.text
    call.press("4012199")
    assert "K N L" in call.text and "Harvey Dent" in call.text


def test_star_changes_the_year(phone: Callable[..., Phone]) -> None:
    last_year = f"{(date.today().year - 1) % 100:02d}"
    call = phone().press("246810").press("*").press("2").press(last_year).press("3900123")
    assert "Oswald Cobblepot" in call.text


def test_two_for_wrong_read_back_asks_for_the_docket_again(phone: Callable[..., Phone]) -> None:
    call = phone().press("246810").press("4012199").press("2")
    assert "docket number" in call.text


def test_a_spoken_docket_is_read_back_and_confirmed_by_voice(phone: Callable[..., Phone]) -> None:
    call = phone().press("246810")
    gather = call.gather()
    assert gather is not None and gather.attrib["input"] == "dtmf speech"
    assert gather.attrib["speechModel"] == "numbers_and_commands"
    assert gather.attrib["speechTimeout"].isdigit()
    call.speak("four zero one two one nine nine", confidence=0.42)
    assert "Respondent The Riddler" in call.text
    call.speak("yes")
    assert "Service, press 1." in call.text
    call.speak("service")
    assert "In hand, press 1." in call.text


def test_speech_that_is_not_a_menu_word_says_the_valid_keys(phone: Callable[..., Phone]) -> None:
    call = phone().press("246810").press("4012199").press("1").speak("banana")
    assert "Sorry, I did not understand. Please press 1, 2, 3, 4 or 5." in call.text


def test_without_speech_the_docket_prompt_is_keypad_only(phone_with: Callable[..., Phone]) -> None:
    call = phone_with(ivr_speech="off").press("246810")
    gather = call.gather()
    assert gather is not None and "input" not in gather.attrib
    assert "Docket number, then pound." in call.text


def test_with_vosk_the_docket_is_recorded_for_the_speech_blueprint_and_a_timeout_offers_keys(
    phone_with: Callable[..., Phone],
) -> None:
    call = phone_with(ivr_speech="vosk").press("246810")
    assert call.document is not None
    record = call.document.find("Record")
    assert record is not None
    assert record.attrib["action"] == (
        "/ivr/vosk/recorded?resume=%2Fivr%2Fstep%3Fn%3D2&grammar=docket"
    )
    assert (record.attrib["maxLength"], record.attrib["timeout"]) == ("8", "2")
    assert (record.attrib["trim"], record.attrib["playBeep"]) == ("trim-silence", "false")
    call.press_at("/ivr/step?n=2&vosk=timeout")
    assert "Please key it instead." in call.text
    assert call.gather() is not None
    call.press("4012199")
    assert "The Riddler" in call.text


def test_after_two_spoken_misses_the_docket_is_asked_for_by_keypad_only(
    phone: Callable[..., Phone],
) -> None:
    call = phone().press("246810").speak("banana split")
    assert "Sorry, I did not understand." in call.text
    gather = call.gather()
    assert gather is not None and gather.attrib["input"] == "dtmf speech"
    call.speak("four zero one two one nine nine").press("2")  # a read-back the caller refuses
    assert "Docket number, then pound." in call.text
    gather = call.gather()
    assert gather is not None and "input" not in gather.attrib
    call.press("4012199")
    assert "Respondent The Riddler" in call.text
