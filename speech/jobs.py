"""Speech jobs (queue "speech"): decode a recorded utterance; transcribe a call's recording and
its spoken comments.

Each is idempotent: a recognition no longer queued and a recording already transcribed are left
alone. A failed recognition is not retried: the caller has moved on to the keypad.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from core import services
from core.db import session_scope, utcnow
from core.models import CallLog
from core.settings import Settings
from speech import engine
from speech.grammar import grammar, known_to, model_vocabulary
from speech.models import DONE, FAILED, QUEUED, Recognition, SpokenComment
from speech.nbest import hypotheses, transcript
from speech.recordings import delete_recording, fetch_recording
from speech.understand import Hypothesis, agreed, reads_as_docket

log = logging.getLogger(__name__)
ALTERNATIVES = 5
DOCKET_STEP = "docket"


def recognise(recognition_id: int) -> str:
    """Fetch the utterance from Twilio, decode it with the prompt's grammar, store the n-best."""
    settings = services.current().settings
    with session_scope() as session:
        row = session.get(Recognition, recognition_id)
        if row is None or row.status != QUEUED:
            return "not-queued"
        recording_sid, step = row.recording_sid, row.step
    started = time.monotonic()
    try:
        nbest, seconds = _decode_utterance(settings, recording_sid, step)
    except Exception as error:  # noqa: BLE001 - any failure sends the caller to the keypad
        log.exception("recognition %s failed", recognition_id)
        return _finish(recognition_id, FAILED, error=f"{type(error).__name__}: {error}")
    elapsed = int((time.monotonic() - started) * 1000)
    return _finish(recognition_id, DONE, nbest=nbest, seconds=seconds, decode_ms=elapsed)


def _decode_utterance(
    settings: Settings, recording_sid: str, step: str
) -> tuple[list[dict[str, Any]], float]:
    recogniser: engine.Recogniser | None = services.current().recogniser()
    if recogniser is None:
        raise RuntimeError(f"local speech is off: no model for IVR_SPEECH={settings.ivr_speech}")
    wav = fetch_recording(services.current().twilio, recording_sid)
    if settings.delete_recordings_at_twilio:
        delete_recording(services.current().twilio, recording_sid)
    from speech.audio import for_model  # numpy: the speech extra, present where a model is

    pcm, seconds = for_model(wav, recogniser.rate)
    words = grammar(step, _vocabulary(settings))
    knows = getattr(recogniser, "knows", None)
    if knows is not None:
        words = known_to(knows, words)
    nbest = heard_at(recogniser, pcm, step, words)
    return [{"text": h.text, "confidence": h.confidence} for h in nbest], seconds


def heard_at(
    recogniser: engine.Recogniser, pcm: bytes, step: str, words: list[str]
) -> list[Hypothesis]:
    """The n-best of one utterance at one prompt; at the docket prompt, when the beams heard
    speech but none reads as a docket, a second decode's (bench/speech_audio.py measures both).
    Silence is never decoded twice: samples drawn from it write words."""
    nbest = hypotheses(recogniser.results(pcm, words, ALTERNATIVES, False))
    year = utcnow().year
    if step == DOCKET_STEP and nbest and not reads_as_docket(nbest, year):
        nbest += _second_decode(recogniser, pcm, words, year)
    return nbest


def _second_decode(
    recogniser: engine.Recogniser, pcm: bytes, words: list[str], year: int
) -> list[Hypothesis]:
    """Whisper's samples (speech.whisper.sampled) where two agree on a docket; Vosk has none."""
    sampled = getattr(recogniser, "sampled", None)
    return agreed(sampled(pcm, words), year) if sampled is not None else []


def _vocabulary(settings: Settings) -> frozenset[str] | None:
    path = settings.vosk_model_path
    if engine.local_engine(settings) != "vosk" or not path or not Path(path).is_dir():
        return None
    return model_vocabulary(path)


def _finish(recognition_id: int, status: str, **values: Any) -> str:
    with session_scope() as session:
        row = session.get(Recognition, recognition_id)
        assert row is not None
        row.status, row.finished_at = status, utcnow()
        row.nbest = values.get("nbest")
        row.error = values.get("error")
        row.audio_seconds = values.get("seconds")
        row.decode_ms = values.get("decode_ms")
    return status


def forget_recording(recording_sid: str) -> str:
    """Delete an utterance at Twilio that nobody needs (a key ended it before anything was said)."""
    settings = services.current().settings
    if not settings.delete_recordings_at_twilio:
        return "kept"
    delete_recording(services.current().twilio, recording_sid)
    return "deleted"


def transcribe_call(call_log_id: int) -> str:
    """Transcribe a call's stored recording free-form (words, times, confidence) into
    CallLog.transcript, by the local engine configured; "unavailable" without one, and then
    nothing is stored."""
    return _transcribe(CallLog, call_log_id)


def transcribe_comment(comment_id: int) -> str:
    """The same for one spoken "other" comment, kept with its call."""
    return _transcribe(SpokenComment, comment_id)


def _transcribe(kind: type[CallLog] | type[SpokenComment], row_id: int) -> str:
    settings = services.current().settings
    recogniser: engine.Recogniser | None = services.current().recogniser()
    if recogniser is None:
        log.info("transcript of %s %s unavailable: local speech is off", kind.__tablename__, row_id)
        return "unavailable"
    with session_scope() as session:
        row = _row(session, kind, row_id)
        if row is None or row.transcript:
            return "done" if row is not None else "not-found"
        path = row.recording_path
    if not path or not Path(path).is_file():
        return "no-recording"
    found = _transcribed(recogniser, Path(path).read_bytes(), engine.local_engine(settings))
    with session_scope() as session:
        row = _row(session, kind, row_id)
        assert row is not None
        row.transcript, row.words_said = found, said(found)
    return "done"


def _row(
    session: Session, kind: type[CallLog] | type[SpokenComment], row_id: int
) -> CallLog | SpokenComment | None:
    return session.get(kind, row_id)  # type: ignore[return-value]


def said(transcript: dict[str, Any]) -> str | None:
    """The words of a transcript, lower case, as the staff search matches them."""
    return " ".join(str(transcript.get("text") or "").lower().split()) or None


def _transcribed(recogniser: engine.Recogniser, wav: bytes, name: str | None) -> dict[str, Any]:
    from speech.audio import for_model

    pcm, seconds = for_model(wav, recogniser.rate)
    found = transcript(recogniser.results(pcm, None, 0, True))
    return {
        **found,
        "engine": name or "vosk",
        "seconds": round(seconds, 2),
        "transcribed_at": utcnow().isoformat(),
    }
