"""What staff need to see about faxes that the outbox cannot show: towns no agency covers."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import AuditEvent

GAP_KIND = "town_without_agency"


def routing_gaps(session: Session, zone: ZoneInfo) -> list[dict[str, Any]]:
    """Each time a notice had no police department to go to, newest first."""
    statement = (
        select(AuditEvent)
        .where(AuditEvent.kind == GAP_KIND)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    return [
        {
            "at": event.at.astimezone(zone).isoformat(),
            "town": event.detail.get("town"),
            "docket": event.detail.get("docket"),
            "activity_id": event.activity_id,
        }
        for event in session.scalars(statement)
    ]
