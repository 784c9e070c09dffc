"""The local recogniser: Vosk, loaded once per worker process from VOSK_MODEL_PATH only.

``Model(lang=…)`` would download a model (and exit the process when it cannot), so the model is
only ever opened from a folder the deployment installed. Tests and the benchmark may put another
recogniser in its place (``use``) that answers with Vosk's own result JSON.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from pathlib import Path
from typing import Any, Protocol

from core.settings import Settings
from speech.grammar import log_missing_words

log = logging.getLogger(__name__)
LOCAL_ENGINES = ("vosk", "whisper")  # IVR_SPEECH values that record and decode here
CHUNK_BYTES = 8000  # a quarter second at 16 kHz: Vosk ends an utterance on a pause
DEFAULT_RATE = 16000


class Recogniser(Protocol):
    rate: int

    def results(
        self, pcm: bytes, grammar: list[str] | None, alternatives: int, words: bool
    ) -> list[dict[str, Any]]:
        """Vosk's result JSON for each segment of ``pcm`` (16-bit mono at ``rate``)."""


class VoskRecogniser:
    """A Vosk model on disk; one recogniser per utterance, at the model's own rate."""

    def __init__(self, model_path: Path) -> None:
        from vosk import Model, SetLogLevel

        SetLogLevel(-1)
        self.model = Model(str(model_path))
        self.rate = model_rate(model_path)
        log_missing_words(self.knows)

    def knows(self, word: str) -> bool:
        """The model's own vocabulary look-up (every model has it; not all ship words.txt)."""
        return int(self.model.vosk_model_find_word(word)) >= 0

    def results(
        self, pcm: bytes, grammar: list[str] | None, alternatives: int, words: bool
    ) -> list[dict[str, Any]]:
        from vosk import KaldiRecognizer

        if grammar is None:
            recogniser = KaldiRecognizer(self.model, float(self.rate))
        else:
            recogniser = KaldiRecognizer(self.model, float(self.rate), json.dumps(grammar))
        recogniser.SetMaxAlternatives(alternatives)
        recogniser.SetWords(words)
        found = []
        for start in range(0, len(pcm), CHUNK_BYTES):
            if recogniser.AcceptWaveform(pcm[start : start + CHUNK_BYTES]):
                found.append(json.loads(recogniser.Result()))
        found.append(json.loads(recogniser.FinalResult()))
        return found


def model_rate(model_path: Path) -> int:
    """The sample rate the model was trained on (conf/mfcc.conf), 16 kHz when it does not say."""
    conf = model_path / "conf" / "mfcc.conf"
    if conf.is_file():
        match = re.search(r"--sample-frequency=(\d+)", conf.read_text())
        if match:
            return int(match.group(1))
    return DEFAULT_RATE


def model_present(model_path: str | None) -> bool:
    """A folder that looks like an unpacked Vosk model (it has its acoustic model)."""
    if not model_path:
        return False
    path = Path(model_path)
    return (path / "am").is_dir() or (path / "final.mdl").is_file()


class _Holder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.recogniser: Recogniser | None = None
        self.loaded_from: str | None = None


_holder = _Holder()


def use(recogniser: Recogniser | None) -> None:
    """Put a recogniser in place (tests, benchmark); None forgets it."""
    _holder.recogniser = recogniser
    _holder.loaded_from = "given" if recogniser is not None else None


def current(model_path: str | None) -> Recogniser | None:
    """The process's recogniser, loading the Vosk model the first time; None without a model."""
    with _holder.lock:
        if _holder.recogniser is None and model_present(model_path):
            assert model_path is not None
            log.info("loading the Vosk model from %s", model_path)
            _holder.recogniser = VoskRecogniser(Path(model_path))
            _holder.loaded_from = model_path
        return _holder.recogniser


def local_engine(settings: Settings) -> str | None:
    """Which local engine decodes here: the one IVR_SPEECH names; otherwise (Twilio speech or
    the keypad on the line, transcripts still wanted) Vosk with a model, else whisper with one."""
    from speech import whisper

    has_whisper = whisper.model_present(whisper.model_path(settings.whisper_model_path))
    if settings.ivr_speech in LOCAL_ENGINES:
        found = {"vosk": model_present(settings.vosk_model_path), "whisper": has_whisper}
        return settings.ivr_speech if found[settings.ivr_speech] else None
    if model_present(settings.vosk_model_path):
        return "vosk"
    return "whisper" if has_whisper else None


def for_settings(settings: Settings) -> Recogniser | None:
    """The process's recogniser for these settings, loaded once; None when none is installed."""
    if _holder.recogniser is not None:
        return _holder.recogniser
    name = local_engine(settings)
    if name == "vosk":
        return current(settings.vosk_model_path)
    if name != "whisper":
        return None
    from speech import whisper

    path = whisper.model_path(settings.whisper_model_path)
    with _holder.lock:
        if _holder.recogniser is None and path is not None:
            log.info("loading the whisper model from %s", path)
            _holder.recogniser = whisper.WhisperRecogniser(path)
            _holder.loaded_from = path
        return _holder.recogniser
