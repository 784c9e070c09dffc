"""The state-file outbox: one message to the state (and, through it, national) protection order
file for each recorded service, correction, or unsuccessful service before the hearing.

Written by ``record_activity`` in the activity's own transaction, delivered by a job after the
commit (``statefile.jobs``). The message's shape is ``statefile/schema/state-file-message-v1.json``.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Table, Text, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from core import jobs
from core.db import Base, UTCDateTime, utcnow
from core.models import Activity, ActivityKind, Docket

SCHEMA_VERSION = "1"
SEND_JOB = "statefile.jobs.send_message"
QUEUE = "state_file"


class MessageStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    DEAD = "dead"


# Once a message is past these, the next message of its docket may go.
NOT_YET_SENT = (MessageStatus.PENDING.value, MessageStatus.SENDING.value)


class StateFileMessage(Base):
    """The outbox row: one message owed to the state protection order file."""

    __tablename__ = "state_file_message"
    __table_args__ = (
        Index("ix_state_file_message_docket_id", "docket_id", "id"),
        Index("ix_state_file_message_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(36), unique=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id"), unique=True)
    docket_id: Mapped[int] = mapped_column(ForeignKey("docket.id"))
    kind: Mapped[str] = mapped_column(String(20))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("state_file_message.id"))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default=MessageStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    provider_ref: Mapped[str | None] = mapped_column(String(120))
    reason: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    activity: Mapped[Activity] = relationship()
    docket: Mapped[Docket] = relationship()
    corrects: Mapped[StateFileMessage | None] = relationship(remote_side=[id])


MESSAGES = cast(Table, StateFileMessage.__table__)


def message_kind(session: Session, activity: Activity, docket: Docket) -> str | None:
    """What the state file must hear of this activity: a service, an unsuccessful service, or
    nothing. An attempt counts only while no service is on file and the hearing is not past."""
    if activity.kind == ActivityKind.SERVICE:
        return "service"
    if activity.kind != ActivityKind.ATTEMPT:
        return None
    hearing = docket.hearing_date
    if hearing is not None and activity.occurred_at.date() > hearing:
        return None
    served = select(Activity.id).where(
        Activity.docket_id == docket.id, Activity.kind == ActivityKind.SERVICE.value
    )
    return None if session.scalar(served.limit(1)) is not None else "unsuccessful"


def message_row(session: Session, activity: Activity, docket: Docket) -> dict[str, Any] | None:
    """The outbox row this activity owes the state file (None for none), for the caller to
    insert into ``MESSAGES`` in its transaction; its job is ``send_after_commit``."""
    kind = message_kind(session, activity, docket)
    if kind is None:
        return None
    corrects = _message_of(session, activity.supersedes_id)
    message_id = str(uuid.uuid4())
    return {
        "message_id": message_id,
        "activity_id": activity.id,
        "docket_id": docket.id,
        "kind": kind,
        "corrects_id": corrects.id if corrects else None,
        # the payload names the message by its message_id, not by the row's id: it is known here
        "payload": payload_for(message_id, kind, activity, docket, corrects),
        "status": MessageStatus.PENDING.value,
        "attempts": 0,
    }


def _message_of(session: Session, activity_id: int | None) -> StateFileMessage | None:
    if activity_id is None:
        return None
    return session.scalar(
        select(StateFileMessage).where(StateFileMessage.activity_id == activity_id)
    )


def _iso(moment: datetime | date | None) -> str | None:
    return moment.isoformat() if moment else None


def payload_for(
    message_id: str,
    kind: str,
    activity: Activity,
    docket: Docket,
    corrects: StateFileMessage | None,
) -> dict[str, Any]:
    """The message as the schema describes it (times in UTC, ISO 8601)."""
    marshal = activity.marshal
    return {
        "schema_version": SCHEMA_VERSION,
        "message_id": message_id,
        "kind": kind,
        "case": {
            "court": docket.court_code,
            "docket": docket.canonical,
            "respondent": {
                "first_name": docket.respondent_first,
                "last_name": docket.respondent_last,
            },
            "hearing_date": _iso(docket.hearing_date),
        },
        "service": {
            "activity": activity.kind,
            "occurred_at": _iso(activity.occurred_at),
            "method": activity.method,
            "attempt_reason": activity.attempt_reason,
            "recorded_at": _iso(activity.recorded_at),
            "channel": activity.channel,
        },
        "serving_officer": {"name": marshal.display_name, "smc_number": marshal.smc_number},
        "police_assistance": bool(activity.police_assistance),
        "firearms": {"allegation": activity.firearms, "alleged_on": _iso(activity.firearms_date)},
        "confirmation": activity.confirmation,
        "corrects": None
        if corrects is None
        else {
            "message_id": corrects.message_id,
            "confirmation": corrects.payload.get("confirmation"),
        },
    }


def _job_id(message_id: int, suffix: str = "") -> str:
    return f"state-file-{message_id}{suffix}"


def send_after_commit(session: Session, message_id: int, suffix: str = "") -> None:
    """Queue the delivery once the transaction that owes the message has committed."""
    jobs.enqueue_after_commit(
        session, SEND_JOB, message_id, job_id=_job_id(message_id, suffix), queue=QUEUE
    )


def send_now(message_id: int, suffix: str = "") -> None:
    jobs.current().enqueue(SEND_JOB, message_id, job_id=_job_id(message_id, suffix), queue=QUEUE)


def owed_messages(session: Session, now: datetime, stale_after: timedelta) -> list[int]:
    """Pending messages the sweeper queues again: untouched for a while, and due."""
    row = StateFileMessage
    due = or_(row.next_attempt_at.is_(None), row.next_attempt_at <= now)
    statement = (
        select(row.id)
        .where(row.status == MessageStatus.PENDING.value, due, row.updated_at <= now - stale_after)
        .order_by(row.id)
    )
    return list(session.scalars(statement))
