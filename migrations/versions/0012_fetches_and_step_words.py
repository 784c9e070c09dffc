"""Recording fetches that cannot wait for ever (tries, next try, the reason it failed); what the
line understood at each step of a call, in words.

Revision ID: 0012
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("call_log") as table:
        table.add_column(sa.Column("recording_status", sa.String(length=16), nullable=True))
        table.add_column(sa.Column("recording_error", sa.Text(), nullable=True))
        table.add_column(sa.Column("recording_tries", sa.Integer(), server_default="0",
                                   nullable=False))
        table.add_column(sa.Column("recording_next_try_at", sa.DateTime(timezone=True),
                                   nullable=True))
    with op.batch_alter_table("spoken_comment") as table:
        table.add_column(sa.Column("error", sa.Text(), nullable=True))
        table.add_column(sa.Column("tries", sa.Integer(), server_default="0", nullable=False))
        table.add_column(sa.Column("next_try_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("call_step") as table:
        table.add_column(sa.Column("understood", sa.Text(), nullable=True))
    op.execute("UPDATE call_log SET recording_status = 'kept' WHERE recording_path IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("call_step") as table:
        table.drop_column("understood")
    with op.batch_alter_table("spoken_comment") as table:
        for name in ("next_try_at", "tries", "error"):
            table.drop_column(name)
    with op.batch_alter_table("call_log") as table:
        for name in ("recording_next_try_at", "recording_tries", "recording_error",
                     "recording_status"):
            table.drop_column(name)
