"""Said once when the app starts: whether local speech is on, and what its grammars lack."""

from __future__ import annotations

import logging

from core.settings import Settings
from speech import whisper
from speech.engine import local_engine, model_present
from speech.grammar import log_missing

log = logging.getLogger("serveline.speech")
_said: set[str] = set()


def announce(settings: Settings) -> bool:
    """Log once whether local speech (Vosk or whisper) is on; True when its model is there."""
    name = local_engine(settings)
    if name == "whisper":
        path = whisper.model_path(settings.whisper_model_path)
        _once(f"local speech (whisper) is on: model at {path}", logging.INFO)
        return True
    path = settings.vosk_model_path
    if not model_present(path):
        _once(
            f"local speech (Vosk) is off: no model at VOSK_MODEL_PATH={path or '(unset)'} "
            f"(nor a whisper model: WHISPER_MODEL_PATH="
            f"{settings.whisper_model_path or '(unset)'}); the phone line uses Twilio speech "
            "or the keypad"
        )
        return False
    assert path is not None
    if path not in _said:
        _said.add(path)
        log.info("local speech (Vosk) is on: model at %s", path)
        log_missing(path)
    return True


def _once(message: str, level: int = logging.WARNING) -> None:
    if message not in _said:
        _said.add(message)
        log.log(level, message)
