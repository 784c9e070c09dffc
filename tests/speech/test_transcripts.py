"""Call transcripts for staff: words with times and confidence, searchable; none without a model."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import CallLog
from core.settings import load_settings
from speech.jobs import transcribe_call, transcribe_comment
from speech.models import SpokenComment
from speech.startup import announce
from speech.transcripts import said_in_call, search_words, transcript_words
from tests.speech.conftest import RecogniserDouble, phone_wav

FREE_FORM = [
    '{"result": [{"conf": 1.0, "end": 0.6, "start": 0.2, "word": "served"}, '
    '{"conf": 0.8, "end": 1.0, "start": 0.7, "word": "abode"}], "text": "served abode"}'
]


def a_call(session: Session, tmp_path: Path, sid: str = "CA9") -> CallLog:
    wav = tmp_path / f"{sid}.wav"
    wav.write_bytes(phone_wav(1.0))
    call = CallLog(call_sid=sid, recording_path=str(wav), docket_text="HHD-FA26-4012199-S")
    session.add(call)
    session.commit()
    return call


@pytest.mark.usefixtures("no_model")
def test_without_a_model_the_transcript_is_unavailable_and_nothing_is_stored(
    session: Session, tmp_path: Path
) -> None:
    call = a_call(session, tmp_path)
    assert transcribe_call(call.id) == "unavailable"
    session.refresh(call)
    assert call.transcript is None and call.words_said is None
    assert transcript_words(call.transcript) == []


def test_a_calls_recording_is_transcribed_with_word_times_and_found_by_words_and_docket(
    session: Session, tmp_path: Path, recogniser: RecogniserDouble
) -> None:
    recogniser.answers = FREE_FORM
    call = a_call(session, tmp_path)
    assert transcribe_call(call.id) == "done"
    session.refresh(call)
    assert call.transcript is not None
    assert call.transcript["words"][1] == {"word": "abode", "start": 0.7, "end": 1.0, "conf": 0.8}
    assert recogniser.fed[0]["grammar"] is None and recogniser.fed[0]["words"] is True
    assert call.words_said == "served abode"
    assert [w.text for w in transcript_words(call.transcript)] == ["served", "abode"]
    assert calls_saying(session, "Abode served") == [call]
    assert calls_saying(session, "start") == []  # a JSON key is not a word said
    assert calls_saying(session, "abo") == []  # a word matches whole


def calls_saying(session: Session, typed: str) -> list[CallLog]:
    return list(session.scalars(select(CallLog).where(said_in_call(search_words(typed)))))


def test_a_spoken_comment_is_transcribed_and_finds_its_call(
    session: Session, tmp_path: Path, recogniser: RecogniserDouble
) -> None:
    recogniser.answers = [
        '{"result": [{"conf": 0.4, "end": 0.9, "start": 0.3, "word": "dog"}], "text": "dog"}'
    ]
    call = a_call(session, tmp_path)
    wav = tmp_path / "RE5.wav"
    wav.write_bytes(phone_wav(0.5))
    comment = SpokenComment(
        call_id=call.id, recording_sid="RE5", status="kept", recording_path=str(wav)
    )
    session.add(comment)
    session.commit()
    assert transcribe_comment(comment.id) == "done"
    session.refresh(comment)
    assert comment.words_said == "dog" and transcript_words(comment.transcript)[0].unsure
    assert calls_saying(session, "dog") == [call]
    assert calls_saying(session, "dog served") == []  # every word, in the call or its comments


def test_a_call_already_transcribed_is_not_transcribed_again(
    session: Session, tmp_path: Path, recogniser: RecogniserDouble
) -> None:
    recogniser.answers = FREE_FORM
    call = a_call(session, tmp_path)
    transcribe_call(call.id)
    transcribe_call(call.id)
    assert len(recogniser.fed) == 1


def test_the_app_says_once_that_local_speech_is_off_without_a_model(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    settings = load_settings({}).but(
        vosk_model_path=str(tmp_path / "no-model-here"),
        whisper_model_path=str(tmp_path / "no-whisper-here"),
    )
    with caplog.at_level(logging.WARNING, logger="serveline.speech"):
        assert announce(settings) is False
        announce(settings)
    said = [r.message for r in caplog.records if "local speech (Vosk) is off" in r.message]
    assert len(said) == 1
