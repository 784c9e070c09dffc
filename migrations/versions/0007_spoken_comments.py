"""Spoken "other" comments kept and transcribed; the words of a transcript, for search.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "spoken_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("recording_sid", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("recording_path", sa.String(length=300), nullable=True),
        sa.Column("transcript", sa.JSON(), nullable=True),
        sa.Column("words_said", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kept_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["call_id"], ["call_log.id"], ondelete="CASCADE",
                                name=op.f("fk_spoken_comment_call_id_call_log")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spoken_comment")),
        sa.UniqueConstraint("recording_sid", name=op.f("uq_spoken_comment_recording_sid")),
    )
    op.create_index(op.f("ix_spoken_comment_call_id"), "spoken_comment", ["call_id"])
    with op.batch_alter_table("call_log") as table:
        table.add_column(sa.Column("words_said", sa.Text(), nullable=True))
    _fill_words_said()


def _fill_words_said() -> None:
    """Calls transcribed before this revision: their words, lower case, for search."""
    call_log = sa.table("call_log", sa.column("id", sa.Integer()),
                        sa.column("transcript", sa.JSON()), sa.column("words_said", sa.Text()))
    bind = op.get_bind()
    rows = bind.execute(sa.select(call_log.c.id, call_log.c.transcript)
                        .where(call_log.c.transcript.is_not(None))).all()
    for call_id, transcript in rows:
        text = str((transcript or {}).get("text") or "").lower().strip()
        bind.execute(call_log.update().where(call_log.c.id == call_id)
                     .values(words_said=text or None))


def downgrade() -> None:
    with op.batch_alter_table("call_log") as table:
        table.drop_column("words_said")
    op.drop_index(op.f("ix_spoken_comment_call_id"), table_name="spoken_comment")
    op.drop_table("spoken_comment")
