"""Where the IVR reads a local (Vosk) recognition's hypotheses (first version; issue 7 fills it)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from speech.understand import Hypothesis


def hypotheses_for(session: Session, recognition_id: int) -> list[Hypothesis] | None:
    """The n-best hypotheses of a finished recognition; None while not ready or failed."""
    return None
