"""Finding calls by what was said in them: a docket, or words of their transcript."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from core.models import CallLog

LIMIT = 100


def find_calls(
    session: Session, docket: str | None = None, words: Sequence[str] = (), limit: int = LIMIT
) -> list[CallLog]:
    """Calls about this docket (any part of it, e.g. 4012199) whose transcript has every word."""
    statement = select(CallLog).order_by(CallLog.started_at.desc())
    if docket:
        statement = statement.where(CallLog.docket_text.ilike(f"%{docket.strip()}%"))
    wanted = [w.lower() for w in words if w.strip()]
    for word in wanted:
        statement = statement.where(cast(CallLog.transcript, String).ilike(f"%{word}%"))
    found = session.scalars(statement.limit(limit * 2 if wanted else limit))
    return [call for call in found if _says(call, wanted)][:limit]


def _says(call: CallLog, words: list[str]) -> bool:
    """Every word is said (the database filter also matched JSON keys and times)."""
    said = set(str((call.transcript or {}).get("text", "")).lower().split())
    return all(word in said for word in words)


def transcript_text(call: CallLog) -> str | None:
    """What the staff page shows: the transcript's text, or None when unavailable."""
    return (call.transcript or {}).get("text") if call.transcript else None
