"""Whole calls with a spoken docket, through the real app with signed requests, on both engines."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
import responses
from sqlalchemy.orm import Session

from core.models import Activity
from tests.ivr.driver import Phone
from tests.ivr.helpers import activities_of, call_log
from tests.speech.conftest import RecogniserDouble, phone_wav

PIN = "246810"
YEAR = f"{date.today().year % 100:02d}"
DIGIT_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
RIDDLER = f"HHD-FA{YEAR}-4012199-S"
RECORDINGS = "https://api.twilio.com/2010-04-01/Accounts/ACtest/Recordings/"


def year_words() -> str:
    return " ".join(DIGIT_WORDS[int(d)] for d in YEAR)


def vosk_result(*texts: str) -> str:
    """One segment's result exactly as Vosk 0.3.45 prints it with SetMaxAlternatives."""
    entries = [
        f'{{\n      "confidence" : {300.0 - i:.6f},\n      "text" : "{text}"\n    }}'
        for i, text in enumerate(texts)
    ]
    return '{\n  "alternatives" : [' + ", ".join(entries) + "]\n}"


def said_docket(number: str) -> list[str]:
    """The caller says the court and type, pauses, then the year, number and suffix."""
    spoken = " ".join(DIGIT_WORDS[int(d)] for d in number).replace("zero", "oh")
    return [
        vosk_result("h h d f a", "h h d s a"),
        vosk_result(f"{year_words()} {spoken} s", f"{year_words()} {spoken}"),
    ]


def twilio_holds(sid: str, audio: bytes | None = None) -> None:
    responses.add(
        responses.GET, RECORDINGS + sid + ".wav", body=audio or phone_wav(2.0), status=200
    )
    responses.add(responses.DELETE, RECORDINGS + sid + ".json", status=204)


def redirect_of(call: Phone) -> str:
    assert call.document is not None
    found = call.document.find("Redirect")
    return found.text or "" if found is not None else ""


def say_docket_to_vosk(call: Phone, sid: str, audio: bytes | None = None) -> Phone:
    return say_to_vosk(call, sid, "docket", audio)


def say_to_vosk(call: Phone, sid: str, grammar: str, audio: bytes | None = None) -> Phone:
    """Speak at the <Record>, then follow the polling redirects back to the phone line."""
    assert call.document is not None
    record = call.document.find("Record")
    assert record is not None and record.attrib["action"].startswith("/ivr/vosk/recorded?resume=")
    assert record.attrib["action"].endswith(f"&grammar={grammar}")
    twilio_holds(sid, audio)
    call.record(sid)
    assert call.document.find("Pause") is not None and "/ivr/vosk/poll" in redirect_of(call)
    for _ in range(5):
        if "vosk=" in redirect_of(call):
            break
        call.silence()
    assert "vosk=" in redirect_of(call) and "vosk=timeout" not in redirect_of(call)
    return call.silence()


def riddler_said_to_vosk(line: Callable[[str], Phone], recogniser: RecogniserDouble) -> Phone:
    """A call on local speech, signed in, that has said The Riddler's docket."""
    recogniser.answers = said_docket("4012199")
    return say_docket_to_vosk(line("vosk").press(PIN), "REdocket1")


def serve_in_hand(call: Phone) -> Phone:
    """Service, in hand, just now, police no, firearms unknown, then record it."""
    call.press("1").press("1").press("1").press("2").press("3")
    assert "Recording service in hand, on The Riddler, just now" in call.text
    return call.press("1")


def recorded_on_the_riddler(session: Session, call: Phone) -> Activity:
    [activity] = activities_of(session, call)
    assert activity.docket.canonical == RIDDLER
    assert (activity.kind, activity.method, activity.channel) == ("SERVICE", "HAND", "PHONE")
    assert activity.police_assistance is False and activity.firearms == "UNKNOWN"
    assert " ".join(activity.confirmation) in call.text
    assert call_log(session, call).activity_id == activity.id
    return activity


def test_a_docket_spoken_to_twilio_is_read_back_confirmed_and_service_recorded(
    line: Callable[[str], Phone], session: Session
) -> None:
    call = line("twilio").press(PIN)
    gather = call.gather()
    assert gather is not None and gather.attrib["input"] == "dtmf speech"
    call.speak(f"H H D F A {' '.join(YEAR)} four zero one two one nine nine S", confidence=0.9)
    assert "Respondent The Riddler" in call.text
    serve_in_hand(call.press("1"))
    recorded_on_the_riddler(session, call)


@responses.activate
@pytest.mark.usefixtures("twilio_env", "queue")
def test_a_docket_spoken_to_vosk_is_decoded_read_back_confirmed_and_service_recorded(
    line: Callable[[str], Phone], session: Session, recogniser: RecogniserDouble
) -> None:
    call = riddler_said_to_vosk(line, recogniser)
    assert "Respondent The Riddler" in call.text
    serve_in_hand(call.press("1"))
    recorded_on_the_riddler(session, call)
    assert len(recogniser.fed) == 1
    assert [c.request.method for c in responses.calls] == ["GET", "DELETE"]


@responses.activate
@pytest.mark.usefixtures("twilio_env", "queue")
def test_a_wrong_vosk_reading_refused_at_the_read_back_records_nothing_on_that_docket(
    line: Callable[[str], Phone], session: Session, recogniser: RecogniserDouble
) -> None:
    recogniser.answers = said_docket("4012198")
    call = say_docket_to_vosk(line("vosk").press(PIN), "REdocket1")
    assert "Respondent The Joker" in call.text
    call.press("2")
    assert call.document is not None and call.document.find("Record") is not None
    assert activities_of(session, call) == []
    recogniser.answers = said_docket("4012199")
    serve_in_hand(say_docket_to_vosk(call, "REdocket2").press("1"))
    recorded_on_the_riddler(session, call)


@responses.activate
@pytest.mark.usefixtures("twilio_env", "queue")
def test_with_vosk_every_menu_of_a_service_can_be_answered_by_speech(
    line: Callable[[str], Phone], session: Session, recogniser: RecogniserDouble
) -> None:
    call = riddler_said_to_vosk(line, recogniser)
    answers = [
        ("yes_no", "yes"),
        ("activity", "service"),
        ("method", "in hand"),
        ("when", "just now"),
        ("yes_no", "no"),
        ("firearms", "don't know"),
        ("yes_no", "yes"),
    ]
    for number, (grammar, said) in enumerate(answers):
        recogniser.answers = [vosk_result(said, "[unk]")]
        say_to_vosk(call, f"REmenu{number}", grammar)
        assert "in hand" in recogniser.fed[-1]["grammar"] or grammar != "method"
    recorded_on_the_riddler(session, call)
    assert [fed["alternatives"] for fed in recogniser.fed] == [5] * 8


@responses.activate
@pytest.mark.usefixtures("twilio_env", "queue")
def test_with_vosk_a_key_pressed_at_a_menu_is_the_answer_and_its_recording_is_deleted(
    line: Callable[[str], Phone], recogniser: RecogniserDouble
) -> None:
    call = riddler_said_to_vosk(line, recogniser)
    assert call.document is not None
    record, gather = call.document.find("Record"), call.gather()
    assert record is not None and record.attrib["finishOnKey"] == "0123456789*#"
    assert gather is not None and (gather.attrib["numDigits"], gather.attrib["timeout"]) == (
        "1",
        "1",
    )  # keys during the prompt go straight to the step, as on the keypad line
    assert [say.text for say in gather.iter("Say")][-2:] == [
        "Right, press 1. Re-enter, press 2.",
        "You can say your answer or press a key.",
    ]
    responses.add(responses.DELETE, RECORDINGS + "REkeyed.json", status=204)
    call.record("REkeyed", key="1")
    assert "key=1" in redirect_of(call)
    call.silence()
    assert "Service, press 1." in call.text  # the docket was confirmed by the key
    assert responses.calls[-1].request.method == "DELETE"
    assert len(recogniser.fed) == 1  # only the docket was decoded


@responses.activate
@pytest.mark.usefixtures("twilio_env", "queue")
def test_with_vosk_a_menu_answer_not_understood_names_the_keys(
    line: Callable[[str], Phone], recogniser: RecogniserDouble
) -> None:
    call = riddler_said_to_vosk(line, recogniser)
    recogniser.answers = [vosk_result("[unk]")]
    say_to_vosk(call, "REmumble", "yes_no")
    assert "Sorry, I did not understand." in call.text and "press 1" in call.text.lower()
    assert call.document is not None and call.document.find("Record") is not None
