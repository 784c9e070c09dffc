"""The local recogniser: Vosk, loaded once per worker process from VOSK_MODEL_PATH only.

``Model(lang=…)`` would download a model (and exit the process when it cannot), so the model is
only ever opened from a folder the deployment installed. Tests and the benchmark give the services
another recogniser that answers with Vosk's own result JSON.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable
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


class Models:
    """The recognisers a process has loaded, one per model folder: a model is read once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.loaded: dict[str, Recogniser] = {}

    def vosk(self, model_path: str | None) -> Recogniser | None:
        """The Vosk model at ``model_path``, loaded the first time; None without a model."""
        if not model_present(model_path):
            return None
        assert model_path is not None
        return self._load(model_path, "Vosk", lambda: VoskRecogniser(Path(model_path)))

    def whisper(self, model_path: str) -> Recogniser:
        from speech import whisper

        return self._load(model_path, "whisper", lambda: whisper.WhisperRecogniser(model_path))

    def for_settings(self, settings: Settings) -> Recogniser | None:
        """The recogniser for these settings; None when no local engine is installed."""
        name = local_engine(settings)
        if name == "vosk":
            return self.vosk(settings.vosk_model_path)
        if name != "whisper":
            return None
        from speech import whisper

        path = whisper.model_path(settings.whisper_model_path)
        return self.whisper(path) if path is not None else None

    def _load(self, path: str, name: str, load: Callable[[], Recogniser]) -> Recogniser:
        with self.lock:
            if path not in self.loaded:
                log.info("loading the %s model from %s", name, path)
                self.loaded[path] = load()
            return self.loaded[path]


MODELS = Models()  # this process's: a worker loads each model once, before its first job


def current(model_path: str | None) -> Recogniser | None:
    """The process's Vosk recogniser, loading the model the first time; None without a model."""
    return MODELS.vosk(model_path)


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
    return MODELS.for_settings(settings)
