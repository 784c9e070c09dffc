"""The text line's state between messages: PIN sessions, reports waiting for OK, neutral replies."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime, utcnow


class SmsSession(Base):
    """A phone that gave its PIN: its texts are accepted until ``expires_at``."""

    __tablename__ = "sms_session"

    phone: Mapped[str] = mapped_column(String(32), primary_key=True)
    marshal_id: Mapped[int] = mapped_column(ForeignKey("marshal.id", ondelete="CASCADE"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PendingReport(Base):
    """The one report a phone sent that waits for OK (15 minutes); a new report replaces it."""

    __tablename__ = "sms_pending_report"

    phone: Mapped[str] = mapped_column(String(32), primary_key=True)
    marshal_id: Mapped[int] = mapped_column(ForeignKey("marshal.id", ondelete="CASCADE"))
    message_sid: Mapped[str] = mapped_column(String(64))
    docket_id: Mapped[int] = mapped_column(ForeignKey("docket.id", ondelete="CASCADE"))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    re_record_warned: Mapped[bool] = mapped_column(Boolean, default=False)


class NeutralReply(Base):
    """An unknown phone got the neutral reply on this day (at most once a day)."""

    __tablename__ = "sms_neutral_reply"

    phone: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
