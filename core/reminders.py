"""Unserved orders before the hearing: who holds a docket, which dockets are due a reminder,
and the runs and texts that are claimed in the database so several workers send once.

A marshal holds a docket from the RECEIPT they recorded (or a TRANSFER to them) until a SERVICE
is recorded or they transfer it on; with neither, the daybook's ``assigned_smc`` holds it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    delete,
    exists,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db import Base, UTCDateTime, insert_ignore, utcnow
from core.models import Activity, ActivityKind, Docket, Marshal, MarshalPhone
from core.registry import superseded_ids

MOST_LISTED = 3  # dockets named in one text
OUTCOME_KINDS = (ActivityKind.SERVICE.value, ActivityKind.ATTEMPT.value)
HOLDING_KINDS = (
    ActivityKind.RECEIPT.value,
    ActivityKind.TRANSFER.value,
    ActivityKind.SERVICE.value,
)


class ReminderOptOut(Base):
    """A phone that asked for no reminders: STOP REMINDERS (``marshal``) or Twilio's STOP
    (``carrier``)."""

    __tablename__ = "reminder_opt_out"

    phone: Mapped[str] = mapped_column(String(16), primary_key=True)
    marshal_id: Mapped[int | None] = mapped_column(ForeignKey("marshal.id"))
    source: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReminderRun(Base):
    """One run of the reminder job (``morning-2026-12-14``), claimed by exactly one worker."""

    __tablename__ = "reminder_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_key: Mapped[str] = mapped_column(String(40), unique=True)
    local_day: Mapped[date] = mapped_column(Date)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Reminder(Base):
    """One text to one marshal in one run, naming up to three dockets."""

    __tablename__ = "reminder"
    __table_args__ = (UniqueConstraint("run_id", "marshal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("reminder_run.id"))
    marshal_id: Mapped[int] = mapped_column(ForeignKey("marshal.id"))
    phone: Mapped[str] = mapped_column(String(16))
    docket_ids: Mapped[list[int]] = mapped_column(JSON)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="sending")
    sid: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def holder(session: Session, docket: Docket) -> Marshal | None:
    """The marshal holding the docket now, or None (served, or nobody has it)."""
    replaced = superseded_ids(session, docket.id)
    statement = (
        select(Activity)
        .where(Activity.docket_id == docket.id, Activity.kind.in_(HOLDING_KINDS))
        .order_by(Activity.occurred_at, Activity.id)
    )
    current = [a for a in session.scalars(statement) if a.id not in replaced]
    if any(a.kind == ActivityKind.SERVICE.value for a in current):
        return None
    if current:
        last = current[-1]
        return last.transfer_to if last.kind == ActivityKind.TRANSFER.value else last.marshal
    if docket.assigned_smc:
        return session.scalar(select(Marshal).where(Marshal.smc_number == docket.assigned_smc))
    return None


def nothing_recorded() -> Any:
    """Dockets with no SERVICE and no ATTEMPT at all (what §5(b) asks marshals to record)."""
    return ~exists().where(Activity.docket_id == Docket.id, Activity.kind.in_(OUTCOME_KINDS))


def open_before_hearing(session: Session, first: date, last: date) -> list[Docket]:
    """Open dockets whose hearing falls from ``first`` to ``last`` with nothing recorded."""
    statement = (
        select(Docket)
        .where(
            Docket.is_open.is_(True),
            Docket.hearing_date >= first,
            Docket.hearing_date <= last,
            nothing_recorded(),
        )
        .order_by(Docket.hearing_date, Docket.court_code, Docket.number)
    )
    return list(session.scalars(statement))


@dataclass(frozen=True)
class Planned:
    """One text owed: the marshal, the phone it goes to, the dockets it names."""

    marshal: Marshal
    phone: str
    dockets: list[Docket]


def plan(session: Session, first: date, last: date) -> list[Planned]:
    """One text per holding marshal with a phone that did not opt out, dockets soonest first."""
    held: dict[int, list[Docket]] = defaultdict(list)
    people: dict[int, Marshal] = {}
    for docket in open_before_hearing(session, first, last):
        marshal = holder(session, docket)
        if marshal is not None and marshal.active:
            held[marshal.id].append(docket)
            people[marshal.id] = marshal
    planned = []
    for marshal_id, dockets in sorted(held.items()):
        phone = reminder_phone(session, marshal_id)
        if phone is not None:
            planned.append(Planned(people[marshal_id], phone, dockets))
    return planned


def reminder_phone(session: Session, marshal_id: int) -> str | None:
    """The marshal's first registered phone, unless it opted out."""
    opted = select(ReminderOptOut.phone)
    statement = (
        select(MarshalPhone.number)
        .where(MarshalPhone.marshal_id == marshal_id, MarshalPhone.number.not_in(opted))
        .order_by(MarshalPhone.id)
    )
    return session.scalars(statement).first()


def claim_run(session: Session, run_key: str, local_day: date, now: datetime) -> int | None:
    """The run's id if this caller claimed it; None if another worker already has."""
    if not insert_ignore(
        session,
        ReminderRun.__table__,
        {"run_key": run_key, "local_day": local_day, "started_at": now},
    ):
        return None
    return session.scalars(select(ReminderRun.id).where(ReminderRun.run_key == run_key)).one()


def claim_text(
    session: Session, run_id: int, planned: Planned, body: str, now: datetime
) -> int | None:
    """The reminder row for this marshal in this run; None if it exists (never two)."""
    values = {
        "run_id": run_id,
        "marshal_id": planned.marshal.id,
        "phone": planned.phone,
        "docket_ids": [d.id for d in planned.dockets[:MOST_LISTED]],
        "body": body,
        "status": "sending",
        "created_at": now,
    }
    if not insert_ignore(session, Reminder.__table__, values):
        return None
    return session.scalars(
        select(Reminder.id).where(
            Reminder.run_id == run_id, Reminder.marshal_id == planned.marshal.id
        )
    ).one()


def stop(session: Session, phone: str, marshal_id: int | None, source: str) -> None:
    """No more reminders to this phone."""
    session.execute(delete(ReminderOptOut).where(ReminderOptOut.phone == phone))
    insert_ignore(
        session,
        ReminderOptOut.__table__,
        {"phone": phone, "marshal_id": marshal_id, "source": source, "at": utcnow()},
    )


def start(session: Session, phone: str) -> None:
    """Reminders to this phone again."""
    session.execute(delete(ReminderOptOut).where(ReminderOptOut.phone == phone))


def stopped(session: Session, phone: str) -> bool:
    return session.get(ReminderOptOut, phone) is not None


def reminded_dockets(session: Session, since: datetime) -> dict[int, datetime]:
    """Docket id → when the last reminder naming it went out, since ``since``."""
    statement = select(Reminder.docket_ids, Reminder.sent_at).where(
        Reminder.status == "sent", Reminder.sent_at >= since
    )
    last: dict[int, datetime] = {}
    for docket_ids, sent_at in session.execute(statement):
        for docket_id in docket_ids:
            if sent_at and (docket_id not in last or sent_at > last[docket_id]):
                last[docket_id] = sent_at
    return last


def window(kind: str, local_day: date, days: int) -> tuple[date, date]:
    """Hearings the run is about: within ``days`` (morning), or tomorrow (the eve run)."""
    if kind == "eve":
        return local_day + timedelta(days=1), local_day + timedelta(days=1)
    return local_day, local_day + timedelta(days=days)
