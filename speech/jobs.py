"""Speech jobs (first version; issue 7 fills them): transcripts of call recordings and comments."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def transcribe_call(call_log_id: int) -> str:
    """Transcribe a call's stored recording (free-form, when a Vosk model is configured)."""
    log.info("transcription of call %s skipped: local speech is not built yet", call_log_id)
    return "skipped"
