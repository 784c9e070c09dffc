"""State-file messages as plain dictionaries, for the CLI and the staff pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Docket
from core.state_file import MessageStatus, StateFileMessage

NEEDS_ATTENTION = (MessageStatus.REJECTED.value, MessageStatus.DEAD.value)


def _iso(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return moment.astimezone(zone).isoformat() if moment else None


def message_dict(row: StateFileMessage, zone: ZoneInfo) -> dict[str, Any]:
    """One message as ``serveline state-file --json`` prints it."""
    return {
        "id": row.id,
        "message_id": row.message_id,
        "docket": row.payload.get("case", {}).get("docket"),
        "docket_id": row.docket_id,
        "kind": row.kind,
        "confirmation": row.payload.get("confirmation"),
        "corrects": (row.payload.get("corrects") or {}).get("message_id"),
        "firearms": row.payload.get("firearms", {}).get("allegation"),
        "status": row.status,
        "reason": row.reason,
        "attempts": row.attempts,
        "created_at": _iso(row.created_at, zone),
        "sent_at": _iso(row.sent_at, zone),
        "answered_at": _iso(row.answered_at, zone),
        "next_attempt_at": _iso(row.next_attempt_at, zone),
        "updated_at": _iso(row.updated_at, zone),
    }


def messages_report(
    session: Session, zone: ZoneInfo, docket: Docket | None = None
) -> list[dict[str, Any]]:
    """State-file messages, newest first, optionally for one docket."""
    statement = select(StateFileMessage).order_by(StateFileMessage.id.desc())
    if docket is not None:
        statement = statement.where(StateFileMessage.docket_id == docket.id)
    return [message_dict(row, zone) for row in session.scalars(statement)]


def needs_attention(session: Session, zone: ZoneInfo) -> list[dict[str, Any]]:
    """Rejected and dead messages, newest first: staff must correct or enter them by hand."""
    statement = (
        select(StateFileMessage)
        .where(StateFileMessage.status.in_(NEEDS_ATTENTION))
        .order_by(StateFileMessage.updated_at.desc(), StateFileMessage.id.desc())
    )
    return [message_dict(row, zone) for row in session.scalars(statement)]
