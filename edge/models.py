"""The table the shared HTTP edge owns: webhook signatures seen lately."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime, utcnow


class SeenSignature(Base):
    """A Twilio webhook signature seen lately, with the digest of the exact parameters it signed.

    The same signature over the same parameters is Twilio retrying (answered as before); over
    other parameters it is a replay with the boundaries moved, and is refused.
    """

    __tablename__ = "seen_signature"

    signature: Mapped[str] = mapped_column(String(128), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
