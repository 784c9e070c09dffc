"""OK and X: record or drop the report that waits, through the registry's one write path."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from core.models import ActivityKind, Channel, Docket, Firearms, ServiceMethod
from core.registry import (
    ActivityError,
    ActivityReport,
    Recorded,
    ReRecordRequired,
    ServiceOnFile,
    record_activity,
)
from sms import replies
from sms.models import PendingReport

PENDING_FOR = timedelta(minutes=15)
Answer = tuple[str, str, int | None, str | None]


def waiting(session: Session, phone: str, now: datetime) -> PendingReport | None:
    """The phone's report still waiting for OK (an expired one is dropped)."""
    pending = session.get(PendingReport, phone)
    if pending is not None and pending.expires_at <= now:
        session.delete(pending)
        return None
    return pending


def confirm(session: Session, phone: str, now: datetime, zone: ZoneInfo) -> Answer:
    """OK: record the waiting report; a repeat needs a second OK after a warning."""
    pending = waiting(session, phone, now)
    if pending is None or "awaiting_pin" in pending.details:
        return replies.NOTHING_PENDING, "nothing_pending", None, None
    docket = session.get(Docket, pending.docket_id)
    canonical = docket.canonical if docket else ""
    if pending.details.get("ask_am_pm"):
        question = replies.ASKED_AM_PM.format(clock=pending.details["ask_am_pm"])
        return question, "am_pm_question", None, canonical
    try:
        recorded = record_activity(session, activity_report(pending), now)
    except ReRecordRequired as repeat:
        return _warn(pending, repeat, canonical, now, zone)
    except ServiceOnFile as served:  # served since the read-back: say so, a second OK records
        pending.details = {**pending.details, "after_service": True}
        return _warn(pending, ReRecordRequired(served.service), canonical, now, zone)
    except ActivityError as error:
        session.delete(pending)
        problem = replies.error("message", "registry", message=error.message)
        return replies.NOT_RECORDED.format(problem=problem), "refused", None, canonical
    session.delete(pending)
    return recorded_text(canonical, recorded), "recorded", recorded.activity_id, canonical


def _warn(
    pending: PendingReport, repeat: ReRecordRequired, canonical: str, now: datetime, zone: ZoneInfo
) -> Answer:
    previous = repeat.previous
    pending.re_record_warned = True
    pending.expires_at = now + PENDING_FOR
    text = replies.RE_RECORD.format(
        docket=canonical,
        kind=previous.kind,
        who=previous.marshal_name,
        when=replies.clock(previous.occurred_at.astimezone(zone)),
        channel=previous.channel.lower(),
    )
    return text, "re_record_warning", None, canonical


def discard(session: Session, phone: str, now: datetime) -> Answer:
    """X: drop the waiting report."""
    pending = waiting(session, phone, now)
    if pending is None:
        return replies.NOTHING_PENDING, "nothing_pending", None, None
    docket = session.get(Docket, pending.docket_id)
    canonical = docket.canonical if docket else ""
    session.delete(pending)
    return replies.DISCARDED.format(docket=canonical), "discarded", None, canonical


def activity_report(pending: PendingReport) -> ActivityReport:
    """The waiting report in the registry's words; its source is the report's MessageSid."""
    details = pending.details
    method = details.get("method")
    return ActivityReport(
        docket_id=pending.docket_id,
        marshal_id=pending.marshal_id,
        kind=ActivityKind(details["kind"]),
        channel=Channel.SMS,
        source_id=pending.message_sid,
        occurred_at=datetime.fromisoformat(details["occurred_at"]),
        method=ServiceMethod(method) if method else None,
        attempt_reason=details.get("reason"),
        transfer_to_smc=details.get("transfer_to"),
        comment=details.get("comment"),
        police_assistance=bool(details.get("police")),
        firearms=Firearms(details.get("firearms", Firearms.UNKNOWN.value)),
        re_record=pending.re_record_warned,
        after_service=bool(details.get("after_service")),
    )


def recorded_text(canonical: str, recorded: Recorded) -> str:
    text = replies.RECORDED.format(docket=canonical, conf=recorded.confirmation)
    if recorded.notification_ids:
        text += replies.POLICE_NOTIFIED
    if recorded.towns_without_agency:
        text += replies.NO_AGENCY.format(towns=", ".join(recorded.towns_without_agency))
    if recorded.late:
        text += replies.LATE
    return text
