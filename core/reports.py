"""Read models for the CLI and the staff pages: activities and faxes as plain dictionaries."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import words
from core.models import Activity, Docket, Notification
from core.outbox import retry_scheduled
from core.registry import docket_activities, superseded_ids


def _iso(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return moment.astimezone(zone).isoformat() if moment else None


def activity_dict(activity: Activity, current: bool, zone: ZoneInfo) -> dict[str, Any]:
    """One activity as ``serveline activities --json`` prints it."""
    return {
        "id": activity.id,
        "activity": activity.kind,
        "activity_words": words.activity_words(
            activity.kind, activity.method, activity.attempt_reason
        ),
        "method": activity.method,
        "reason": activity.attempt_reason,
        "transfer_to_smc": activity.transfer_to.smc_number if activity.transfer_to else None,
        "comment": activity.comment,
        "police_assistance": activity.police_assistance,
        "firearms": activity.firearms,
        "firearms_words": words.word(words.FIREARMS, activity.firearms),
        "firearms_date": activity.firearms_date.isoformat() if activity.firearms_date else None,
        "occurred_at": _iso(activity.occurred_at, zone),
        "recorded_at": _iso(activity.recorded_at, zone),
        "channel": activity.channel,
        "channel_words": words.word(words.CHANNELS, activity.channel),
        "marshal_smc": activity.marshal.smc_number,
        "confirmation": activity.confirmation,
        "late": activity.late,
        "current": current,
    }


def activities_report(session: Session, docket: Docket, zone: ZoneInfo) -> list[dict[str, Any]]:
    """The docket's activities, newest first, superseded ones marked not current."""
    replaced = superseded_ids(session, docket.id)
    return [
        activity_dict(a, a.id not in replaced, zone) for a in docket_activities(session, docket.id)
    ]


def notification_dict(notification: Notification, zone: ZoneInfo) -> dict[str, Any]:
    activity = notification.activity
    return {
        "id": notification.id,
        "docket": activity.docket.canonical,
        "confirmation": activity.confirmation,
        "activity": activity.kind,
        "activity_words": words.activity_words(
            activity.kind, activity.method, activity.attempt_reason
        ),
        "corrected": activity.supersedes_id is not None,
        "agency": notification.agency.name,
        "ori": notification.agency.ori,
        "fax": notification.fax_number,
        "status": notification.status,
        "status_words": fax_status_words(notification, zone),
        "retry_scheduled": retry_scheduled(notification),
        "attempts": notification.attempts,
        "last_error": notification.last_error,
        "provider_status": notification.provider_status,
        "next_attempt_at": _iso(notification.next_attempt_at, zone),
        "created_at": _iso(notification.created_at, zone),
        "delivered_at": _iso(notification.delivered_at, zone),
    }


def fax_status_words(notification: Notification, zone: ZoneInfo) -> str:
    """'delivered 12/01 5:58 PM', 'busy, next try 6:03 PM', 'dead after 6 tries'."""
    status = notification.status
    if status == "delivered":
        return f"delivered {words.short_time(notification.delivered_at, zone)}".strip()
    if retry_scheduled(notification):
        said = (notification.provider_status or "failed").replace("-", " ")
        return f"{said}, next try {words.clock(notification.next_attempt_at, zone)}"
    if status == "dead":
        return f"dead after {notification.attempts} tries"
    if status == "failed":
        return f"failed: {notification.last_error}" if notification.last_error else "failed"
    if status == "sending":
        return f"sending (try {notification.attempts})"
    return words.word(words.FAX_STATUS, status)


def faxes_report(
    session: Session, zone: ZoneInfo, docket: Docket | None = None
) -> list[dict[str, Any]]:
    """Fax notices, newest first, optionally for one docket."""
    statement = select(Notification).join(Activity).order_by(Notification.id.desc())
    if docket is not None:
        statement = statement.where(Activity.docket_id == docket.id)
    return [notification_dict(n, zone) for n in session.scalars(statement)]
