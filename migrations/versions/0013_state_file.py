"""The state-file outbox (issue 19): one message per service, correction or unsuccessful service.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "state_file_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(length=36), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("docket_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("provider_ref", sa.String(length=120), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["activity_id"], ["activity.id"],
                                name=op.f("fk_state_file_message_activity_id_activity")),
        sa.ForeignKeyConstraint(["docket_id"], ["docket.id"],
                                name=op.f("fk_state_file_message_docket_id_docket")),
        sa.ForeignKeyConstraint(["corrects_id"], ["state_file_message.id"],
                                name=op.f("fk_state_file_message_corrects_id_state_file_message")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_state_file_message")),
        sa.UniqueConstraint("activity_id", name=op.f("uq_state_file_message_activity_id")),
        sa.UniqueConstraint("message_id", name=op.f("uq_state_file_message_message_id")),
    )
    op.create_index("ix_state_file_message_docket_id", "state_file_message", ["docket_id", "id"])
    op.create_index("ix_state_file_message_status", "state_file_message", ["status"])


def downgrade() -> None:
    op.drop_index("ix_state_file_message_status", table_name="state_file_message")
    op.drop_index("ix_state_file_message_docket_id", table_name="state_file_message")
    op.drop_table("state_file_message")
