"""The reminder job: before the hearing, each marshal holding an order with nothing recorded
gets one text (RQ on the ``default`` queue, ticked every minute by the worker's sweeper).

The run is claimed in the database (one row per run key), and each text too (one row per
marshal per run) before it is sent, so several workers send each text once.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from core import reminders, services
from core.db import session_scope, utcnow
from core.models import Docket, Marshal
from core.reminders import MOST_LISTED, Planned, Reminder
from core.settings import Settings
from sms import replies
from sms.outbound import TextSender

log = logging.getLogger(__name__)
KINDS = ("morning", "eve")
# A run missed (no worker up) is still made within these hours after its time, never later.
LATE_BY = timedelta(hours=3)


def reply_number(docket: Docket, marshal: Marshal, this_year: int) -> str:
    """The docket as the marshal can text it: the bare number in their court this year."""
    if docket.court_code == marshal.default_court and docket.year == this_year % 100:
        return docket.number
    return docket.canonical


def text_for(planned: Planned, this_year: int) -> str:
    shown = planned.dockets[:MOST_LISTED]
    listed = [(d.canonical, d.respondent_last, f"{d.hearing_date:%m/%d}") for d in shown]
    more = len(planned.dockets) - len(shown)
    return replies.reminder(listed, more, reply_number(shown[0], planned.marshal, this_year))


def run_reminders(kind: str = "morning", now: datetime | None = None) -> int:
    """One run (``kind`` morning or eve, on the local day of ``now``); returns texts sent."""
    running = services.current()
    now = now or utcnow()
    with session_scope() as session:
        owed = _claim(session, running.settings, kind, now)
    return sum(_send(running.sms, reminder_id) for reminder_id in owed)


def _claim(session: Session, settings: Settings, kind: str, now: datetime) -> list[int]:
    local_day = now.astimezone(settings.zone).date()
    run_id = reminders.claim_run(session, f"{kind}-{local_day.isoformat()}", local_day, now)
    if run_id is None:
        return []  # another worker has this run
    first, last = reminders.window(kind, local_day, settings.reminder_days)
    owed = []
    for planned in reminders.plan(session, first, last):
        reminder_id = reminders.claim_text(
            session, run_id, planned, text_for(planned, local_day.year), now
        )
        if reminder_id is not None:
            owed.append(reminder_id)
    return owed


def _send(sender: TextSender, reminder_id: int) -> int:
    with session_scope() as session:
        reminder = session.get(Reminder, reminder_id)
        assert reminder is not None
        phone, body, marshal_id = reminder.phone, reminder.body, reminder.marshal_id
    try:
        sent = sender.send(phone, body)
    except Exception as error:  # noqa: BLE001 - a text that failed is kept as failed
        log.warning("reminder %s to %s failed: %s", reminder_id, phone, error)
        _mark(reminder_id, "failed", None)
        return 0
    if sent.opted_out:
        with session_scope() as session:
            reminders.stop(session, phone, marshal_id, "carrier")
        _mark(reminder_id, "opted_out", None)
        return 0
    _mark(reminder_id, "sent", sent.sid)
    return 1


def _mark(reminder_id: int, status: str, sid: str | None) -> None:
    with session_scope() as session:
        session.execute(
            update(Reminder)
            .where(Reminder.id == reminder_id)
            .values(status=status, sid=sid, sent_at=utcnow())
        )


def due_kinds(settings: Settings, now: datetime) -> list[str]:
    """The runs whose local time has come today (and is not over three hours past)."""
    local = now.astimezone(settings.zone)
    due = []
    for kind, at in (("morning", settings.reminder_time), ("eve", settings.reminder_eve_time)):
        hour, _, minute = at.partition(":")
        start = datetime.combine(local.date(), time(int(hour), int(minute or 0)), local.tzinfo)
        if start <= local < start + LATE_BY:
            due.append(kind)
    return due


def tick(now: datetime | None = None) -> int:
    """Queued every minute: make whichever run is due (claimed, so once a day each)."""
    now = now or utcnow()
    return sum(run_reminders(kind, now) for kind in due_kinds(services.current().settings, now))
