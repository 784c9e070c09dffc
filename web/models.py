"""Tables the web pages own: single-use password-reset links, signed-in browsers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime, utcnow


class PasswordReset(Base):
    """One emailed reset link: only its SHA-256 is stored; it works once, for 15 minutes."""

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    marshal_id: Mapped[int] = mapped_column(ForeignKey("marshal.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebSession(Base):
    """One signed-in browser: the cookie carries a random id whose SHA-256 is kept here, so
    signing out (or an admin's deactivation) ends it on the server, and a copied cookie with it."""

    __tablename__ = "web_session"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    marshal_id: Mapped[int] = mapped_column(
        ForeignKey("marshal.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
