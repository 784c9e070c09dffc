"""The registry's tables: courts, towns, agencies, dockets, marshals, activities and their logs."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, UTCDateTime, utcnow


class ActivityKind(StrEnum):
    SERVICE = "SERVICE"
    ATTEMPT = "ATTEMPT"
    RECEIPT = "RECEIPT"
    TRANSFER = "TRANSFER"
    OTHER = "OTHER"


class ServiceMethod(StrEnum):
    HAND = "HAND"
    ABODE = "ABODE"


class Firearms(StrEnum):
    YES = "YES"
    NO = "NO"
    UNKNOWN = "UNKNOWN"


class Channel(StrEnum):
    PHONE = "PHONE"
    SMS = "SMS"
    WEB = "WEB"
    STAFF = "STAFF"


class Role(StrEnum):
    MARSHAL = "marshal"
    STAFF = "staff"
    ADMIN = "admin"


class NotificationStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    DELIVERED = "delivered"
    FAILED = "failed"
    DEAD = "dead"


class Court(Base):
    __tablename__ = "court"

    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))


agency_town = Table(
    "agency_town",
    Base.metadata,
    Column("agency_id", ForeignKey("agency.id", ondelete="CASCADE"), primary_key=True),
    Column("town_id", ForeignKey("town.id", ondelete="CASCADE"), primary_key=True),
)


class Town(Base):
    __tablename__ = "town"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    agencies: Mapped[list[Agency]] = relationship(secondary=agency_town, back_populates="towns")


class Agency(Base):
    """A police department that receives notices of service by fax."""

    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    ori: Mapped[str] = mapped_column(String(9), unique=True)
    fax: Mapped[str] = mapped_column(String(16))
    towns: Mapped[list[Town]] = relationship(secondary=agency_town, back_populates="agencies")


class Docket(Base):
    """A case from the clerk's daybook, e.g. HHD-FA14-4012199-S."""

    __tablename__ = "docket"
    __table_args__ = (
        UniqueConstraint("court_code", "case_type", "year", "number", "suffix"),
        Index("ix_docket_number", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    court_code: Mapped[str] = mapped_column(ForeignKey("court.code"))
    case_type: Mapped[str] = mapped_column(String(2), default="FA")
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(7))
    suffix: Mapped[str] = mapped_column(String(1), default="S")
    respondent_first: Mapped[str] = mapped_column(String(80))
    respondent_last: Mapped[str] = mapped_column(String(80))
    hearing_date: Mapped[date | None] = mapped_column(Date)
    respondent_town_id: Mapped[int | None] = mapped_column(ForeignKey("town.id"))
    protected_home_town_id: Mapped[int | None] = mapped_column(ForeignKey("town.id"))
    protected_work_town_id: Mapped[int | None] = mapped_column(ForeignKey("town.id"))
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    assigned_smc: Mapped[str | None] = mapped_column(String(8))  # the daybook's marshal, if any

    court: Mapped[Court] = relationship()
    respondent_town: Mapped[Town | None] = relationship(foreign_keys=[respondent_town_id])
    protected_home_town: Mapped[Town | None] = relationship(foreign_keys=[protected_home_town_id])
    protected_work_town: Mapped[Town | None] = relationship(foreign_keys=[protected_work_town_id])

    @property
    def canonical(self) -> str:
        return f"{self.court_code}-{self.case_type}{self.year:02d}-{self.number}-{self.suffix}"

    @property
    def respondent_name(self) -> str:
        return f"{self.respondent_first} {self.respondent_last}".strip()


class Marshal(Base):
    """A person who signs in: a state marshal, or Registry Section staff."""

    __tablename__ = "marshal"

    id: Mapped[int] = mapped_column(primary_key=True)
    userid: Mapped[str] = mapped_column(String(40), unique=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    smc_number: Mapped[str | None] = mapped_column(String(8), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    street_address: Mapped[str | None] = mapped_column(String(200))
    default_court: Mapped[str | None] = mapped_column(ForeignKey("court.code"))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    pin_hash: Mapped[str | None] = mapped_column(String(200))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    role: Mapped[str] = mapped_column(String(10), default=Role.MARSHAL.value)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)  # a code works once
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    phones: Mapped[list[MarshalPhone]] = relationship(
        back_populates="marshal", cascade="all, delete-orphan"
    )

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class SignInGuard(Base):
    """Failed sign-ins of one marshal from one kind of source (see ``core.guards``)."""

    __tablename__ = "sign_in_guard"

    marshal_id: Mapped[int] = mapped_column(
        ForeignKey("marshal.id", ondelete="CASCADE"), primary_key=True
    )
    source: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)  # in a row
    lock_level: Mapped[int] = mapped_column(Integer, default=0)  # locks in a row: each doubles
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    day: Mapped[date | None] = mapped_column(Date)
    day_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MarshalPhone(Base):
    """A phone number registered to a marshal, in E.164 (caller ID and SMS sender)."""

    __tablename__ = "marshal_phone"

    id: Mapped[int] = mapped_column(primary_key=True)
    marshal_id: Mapped[int] = mapped_column(ForeignKey("marshal.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(16), unique=True)
    marshal: Mapped[Marshal] = relationship(back_populates="phones")


class Activity(Base):
    """One registry entry: what a marshal did on a docket, when, and through which channel."""

    __tablename__ = "activity"
    __table_args__ = (
        Index("ix_activity_docket_kind", "docket_id", "kind"),
        # The database's own guard: one first entry per docket and kind, every later one a
        # re-record of exactly one (supersedes_id is unique), so one current entry per kind.
        Index(
            "uq_activity_first_per_docket_kind",
            "docket_id",
            "kind",
            unique=True,
            postgresql_where=text("supersedes_id IS NULL"),
            sqlite_where=text("supersedes_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    docket_id: Mapped[int] = mapped_column(ForeignKey("docket.id"))
    marshal_id: Mapped[int] = mapped_column(ForeignKey("marshal.id"))
    kind: Mapped[str] = mapped_column(String(10))
    method: Mapped[str | None] = mapped_column(String(10))
    attempt_reason: Mapped[str | None] = mapped_column(String(20))
    transfer_to_id: Mapped[int | None] = mapped_column(ForeignKey("marshal.id"))
    comment: Mapped[str | None] = mapped_column(Text)
    police_assistance: Mapped[bool | None] = mapped_column(Boolean)
    firearms: Mapped[str] = mapped_column(String(10), default=Firearms.UNKNOWN.value)
    firearms_date: Mapped[date | None] = mapped_column(Date)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    channel: Mapped[str] = mapped_column(String(10))
    source_id: Mapped[str] = mapped_column(String(120), unique=True)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id"), unique=True)
    confirmation: Mapped[str] = mapped_column(String(12), unique=True)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("marshal.id"))
    entry_reason: Mapped[str | None] = mapped_column(Text)

    docket: Mapped[Docket] = relationship()
    marshal: Mapped[Marshal] = relationship(foreign_keys=[marshal_id])
    transfer_to: Mapped[Marshal | None] = relationship(foreign_keys=[transfer_to_id])
    entered_by: Mapped[Marshal | None] = relationship(foreign_keys=[entered_by_id])
    supersedes: Mapped[Activity | None] = relationship(remote_side=[id])


class Notification(Base):
    """The outbox: one fax owed to one agency for one recorded service."""

    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("activity_id", "agency_id"),
        Index("ix_notification_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    fax_number: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(10), default=NotificationStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    provider_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    # The provider's own word for the last attempt (queued, busy, no-answer, delivered, ...).
    provider_status: Mapped[str | None] = mapped_column(String(20))
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    activity: Mapped[Activity] = relationship()
    agency: Mapped[Agency] = relationship()


class CallLog(Base):
    """One phone call: who called, where it ended, and the flow's state between webhooks."""

    __tablename__ = "call_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), unique=True)
    # SIP and client callers are URIs, not phone numbers: room for a long one.
    from_number: Mapped[str | None] = mapped_column(String(255))
    to_number: Mapped[str | None] = mapped_column(String(255))
    marshal_id: Mapped[int | None] = mapped_column(ForeignKey("marshal.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    last_step: Mapped[str | None] = mapped_column(String(40))
    outcome: Mapped[str | None] = mapped_column(String(40))
    docket_text: Mapped[str | None] = mapped_column(String(40))
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id"))
    recording_sid: Mapped[str | None] = mapped_column(String(64))
    recording_path: Mapped[str | None] = mapped_column(String(300))
    # The call recording's fetch from Twilio: queued | kept | failed (None: none reported yet).
    recording_status: Mapped[str | None] = mapped_column(String(16))
    recording_error: Mapped[str | None] = mapped_column(Text)
    recording_tries: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    recording_next_try_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    transcript: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    words_said: Mapped[str | None] = mapped_column(Text)  # the transcript's words, for search

    marshal: Mapped[Marshal | None] = relationship()
    steps: Mapped[list[CallStep]] = relationship(
        back_populates="call", order_by="CallStep.id", cascade="all, delete-orphan"
    )


class CallStep(Base):
    """One exchange in a call: the prompt, what the caller gave (PIN redacted), what we heard."""

    __tablename__ = "call_step"
    __table_args__ = (UniqueConstraint("call_id", "step_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call_log.id", ondelete="CASCADE"))
    step_key: Mapped[str] = mapped_column(String(80))
    state_name: Mapped[str | None] = mapped_column(String(40))
    prompt: Mapped[str | None] = mapped_column(Text)
    input_redacted: Mapped[str | None] = mapped_column(Text)
    recognition: Mapped[str | None] = mapped_column(Text)
    confidence: Mapped[float | None] = mapped_column()
    understood: Mapped[str | None] = mapped_column(Text)  # the answer in words: "firearms: yes"
    response: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(40))
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    call: Mapped[CallLog] = relationship(back_populates="steps")


class MessageLog(Base):
    """One text message in and the reply we sent (PINs redacted)."""

    __tablename__ = "message_log"
    __table_args__ = (Index("ix_message_log_from_number", "from_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_sid: Mapped[str] = mapped_column(String(64), unique=True)
    from_number: Mapped[str | None] = mapped_column(String(32))
    to_number: Mapped[str | None] = mapped_column(String(32))
    marshal_id: Mapped[int | None] = mapped_column(ForeignKey("marshal.id"))
    body_redacted: Mapped[str | None] = mapped_column(Text)
    reply: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(40))
    docket_text: Mapped[str | None] = mapped_column(String(40))
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id"))
    held_pin: Mapped[bool] = mapped_column(Boolean, default=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    marshal: Mapped[Marshal | None] = relationship()


class AuditEvent(Base):
    """Something a clerk or auditor will want to know happened, and who did it."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    marshal_id: Mapped[int | None] = mapped_column(ForeignKey("marshal.id"))
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id"))
    channel: Mapped[str | None] = mapped_column(String(10))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
