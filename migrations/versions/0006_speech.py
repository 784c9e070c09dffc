"""Schema changes for speech and transcripts (issue 7): local recognitions.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "speech_recognition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_sid", sa.String(length=64), nullable=False),
        sa.Column("recording_sid", sa.String(length=64), nullable=False),
        sa.Column("step", sa.String(length=40), nullable=False),
        sa.Column("resume_url", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("nbest", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("audio_seconds", sa.Float(), nullable=True),
        sa.Column("decode_ms", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_speech_recognition")),
        sa.UniqueConstraint("call_sid", "recording_sid",
                            name=op.f("uq_speech_recognition_call_sid_recording_sid")),
    )
    op.create_index(op.f("ix_speech_recognition_call_sid"), "speech_recognition", ["call_sid"])


def downgrade() -> None:
    op.drop_index(op.f("ix_speech_recognition_call_sid"), table_name="speech_recognition")
    op.drop_table("speech_recognition")
