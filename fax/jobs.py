"""Fax jobs, run by an RQ worker (or in-process): send one notification, exactly once."""

from __future__ import annotations

import json

from sqlalchemy import update

from core.db import session_scope, utcnow
from core.models import Notification, NotificationStatus
from core.settings import load_settings


def claim(notification_id: int) -> bool:
    """Atomically move a pending notification to sending; False if another worker has it."""
    with session_scope() as session:
        result = session.execute(
            update(Notification)
            .where(Notification.id == notification_id,
                   Notification.status.in_([NotificationStatus.PENDING.value,
                                             NotificationStatus.FAILED.value]))
            .values(status=NotificationStatus.SENDING.value, attempts=Notification.attempts + 1,
                    updated_at=utcnow(), sent_at=utcnow())
        )
        return bool(getattr(result, "rowcount", 0))


def send_notification(notification_id: int) -> str:
    """Send the notice owed by one notification row (spool provider, minimal first version)."""
    if not claim(notification_id):
        return "already-claimed"
    spool = load_settings().fax_spool_dir
    spool.mkdir(parents=True, exist_ok=True)
    with session_scope() as session:
        notification = session.get(Notification, notification_id)
        assert notification is not None
        meta = {"notification": notification.id, "agency": notification.agency.name,
                "fax": notification.fax_number,
                "docket": notification.activity.docket.canonical,
                "attempt": notification.attempts}
        (spool / f"{notification.id}.json").write_text(json.dumps(meta, indent=2))
        notification.status = NotificationStatus.DELIVERED.value
        notification.delivered_at = utcnow()
    return "delivered"
