"""Where the IVR reads a local (Vosk) recognition's hypotheses."""

from __future__ import annotations

from sqlalchemy.orm import Session

from speech.models import DONE, Recognition
from speech.understand import Hypothesis


def hypotheses_for(session: Session, recognition_id: int) -> list[Hypothesis] | None:
    """The n-best hypotheses of a finished recognition, best first; None while not ready or
    when it failed (the caller is then offered the keypad)."""
    row = session.get(Recognition, recognition_id)
    if row is None or row.status != DONE:
        return None
    return [Hypothesis(h["text"], h.get("confidence")) for h in row.nbest or []]
