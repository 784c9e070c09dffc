"""With a real Vosk model (VOSK_MODEL_PATH): it loads from that folder and decodes at its rate.

Skipped here: the model cannot be had on these machines (only its word list)."""

from __future__ import annotations

import pytest

from core.settings import load_settings
from speech import engine
from speech.audio import for_model
from speech.grammar import grammar
from speech.nbest import hypotheses
from tests.speech.conftest import phone_wav

MODEL = load_settings().vosk_model_path
pytestmark = pytest.mark.skipif(
    not engine.model_present(MODEL),
    reason="no Vosk model: set VOSK_MODEL_PATH to an unpacked model to run these",
)


def test_the_model_loads_from_its_folder_and_decodes_noise_to_nothing_or_unk() -> None:
    engine.use(None)
    recogniser = engine.current(MODEL)
    assert recogniser is not None and recogniser.rate in (8000, 16000)
    pcm, _ = for_model(phone_wav(1.0), recogniser.rate)
    found = hypotheses(recogniser.results(pcm, grammar("docket"), 3, False))
    assert all(set(h.text.split()) <= set(" ".join(grammar("docket")).split()) for h in found)
