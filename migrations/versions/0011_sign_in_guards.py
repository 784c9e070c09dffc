"""Sign-in guards per marshal and kind of source; server-side web sessions.

Revision ID: 0011
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_guard",
        sa.Column("marshal_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("lock_level", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("day_failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["marshal_id"], ["marshal.id"], ondelete="CASCADE",
                                name=op.f("fk_sign_in_guard_marshal_id_marshal")),
        sa.PrimaryKeyConstraint("marshal_id", "source", name=op.f("pk_sign_in_guard")),
    )
    op.create_table(
        "web_session",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("marshal_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["marshal_id"], ["marshal.id"], ondelete="CASCADE",
                                name=op.f("fk_web_session_marshal_id_marshal")),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_web_session")),
    )
    op.create_index(op.f("ix_web_session_marshal_id"), "web_session", ["marshal_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_web_session_marshal_id"), table_name="web_session")
    op.drop_table("web_session")
    op.drop_table("sign_in_guard")
