"""Said once when the app starts: whether local speech is on, and what its grammars lack."""

from __future__ import annotations

import logging

from core.settings import Settings
from speech.engine import model_present
from speech.grammar import log_missing

log = logging.getLogger("serveline.speech")
_said: set[str] = set()


def announce(settings: Settings) -> bool:
    """Log once whether local (Vosk) speech is on; True when a model is installed."""
    path = settings.vosk_model_path
    if not model_present(path):
        _once(f"local speech (Vosk) is off: no model at VOSK_MODEL_PATH={path or '(unset)'}; "
              "the phone line uses Twilio speech or the keypad")
        return False
    assert path is not None
    if path not in _said:
        _said.add(path)
        log.info("local speech (Vosk) is on: model at %s", path)
        log_missing(path)
    return True


def _once(message: str) -> None:
    if message not in _said:
        _said.add(message)
        log.warning(message)
