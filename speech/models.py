"""Local speech recognitions: one row per recorded utterance, from claim to n-best result."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime, utcnow

QUEUED = "queued"
DONE = "done"
FAILED = "failed"


class Recognition(Base):
    """A recorded utterance decoded by Vosk: which call and prompt, the n-best, and how long."""

    __tablename__ = "speech_recognition"
    __table_args__ = (UniqueConstraint("call_sid", "recording_sid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_sid: Mapped[str] = mapped_column(String(64), index=True)
    recording_sid: Mapped[str] = mapped_column(String(64))
    step: Mapped[str] = mapped_column(String(40))
    resume_url: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=QUEUED)
    nbest: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    audio_seconds: Mapped[float | None] = mapped_column(Float)
    decode_ms: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


KEPT = "kept"


class SpokenComment(Base):
    """A comment a marshal said at the "other" prompt: its audio, kept here, and its transcript.

    The activity's comment names the recording; this row holds what became of it: fetched from
    Twilio (and deleted there), then transcribed when a Vosk model is configured.
    """

    __tablename__ = "spoken_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("call_log.id", ondelete="CASCADE"), index=True)
    recording_sid: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=QUEUED)  # queued | kept | failed
    error: Mapped[str | None] = mapped_column(Text)  # why the last fetch failed
    tries: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_try_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recording_path: Mapped[str | None] = mapped_column(String(300))
    transcript: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    words_said: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kept_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
