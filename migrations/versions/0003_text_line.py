"""The text line (issue 4): PIN sessions, reports waiting for OK, neutral replies to strangers.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sms_session",
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("marshal_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["marshal_id"], ["marshal.id"], ondelete="CASCADE",
                                name=op.f("fk_sms_session_marshal_id_marshal")),
        sa.PrimaryKeyConstraint("phone", name=op.f("pk_sms_session")),
    )
    op.create_table(
        "sms_pending_report",
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("marshal_id", sa.Integer(), nullable=False),
        sa.Column("message_sid", sa.String(length=64), nullable=False),
        sa.Column("docket_id", sa.Integer(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("re_record_warned", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["docket_id"], ["docket.id"], ondelete="CASCADE",
                                name=op.f("fk_sms_pending_report_docket_id_docket")),
        sa.ForeignKeyConstraint(["marshal_id"], ["marshal.id"], ondelete="CASCADE",
                                name=op.f("fk_sms_pending_report_marshal_id_marshal")),
        sa.PrimaryKeyConstraint("phone", name=op.f("pk_sms_pending_report")),
    )
    op.create_table(
        "sms_neutral_reply",
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("phone", "day", name=op.f("pk_sms_neutral_reply")),
    )


def downgrade() -> None:
    op.drop_table("sms_neutral_reply")
    op.drop_table("sms_pending_report")
    op.drop_table("sms_session")
