"""One inbound text, exactly once: claim its MessageSid, decide, log (PIN redacted), clean up."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core import jobs
from core.db import insert_ignore, keep_loaded, utcnow
from core.models import MessageLog
from core.settings import Settings
from sms.conversation import Inbound, decide
from sms.grammar import redact

DELETE_JOB = "sms.jobs.delete_message"


def receive(
    session: Session, inbound: Inbound, settings: Settings, now: datetime | None = None
) -> str | None:
    """The reply to send (None: an empty answer); a duplicate webhook gets the stored reply."""
    now = now or utcnow()
    keep_loaded(session)
    redacted, held_pin = redact(inbound.body)
    claimed = insert_ignore(
        session,
        MessageLog.__table__,
        {
            "message_sid": inbound.message_sid,
            "from_number": inbound.from_number[:32],
            "to_number": inbound.to_number[:32],
            "body_redacted": redacted,
            "held_pin": held_pin,
            "received_at": now,
        },
    )
    if not claimed:
        return stored_reply(session, inbound.message_sid)
    outcome = decide(session, inbound, settings, now)
    session.execute(
        update(MessageLog)
        .where(MessageLog.message_sid == inbound.message_sid)
        .values(
            reply=outcome.reply,
            outcome=outcome.outcome,
            marshal_id=outcome.marshal_id,
            docket_text=outcome.docket_text,
            activity_id=outcome.activity_id,
            replied_at=utcnow(),
        )
    )
    if held_pin and settings.delete_pin_messages_at_twilio:
        jobs.enqueue_after_commit(
            session,
            DELETE_JOB,
            inbound.message_sid,
            job_id=f"sms-delete-{inbound.message_sid}",
            queue="default",
        )
    return outcome.reply


def stored_reply(session: Session, message_sid: str) -> str | None:
    return session.scalar(select(MessageLog.reply).where(MessageLog.message_sid == message_sid))
