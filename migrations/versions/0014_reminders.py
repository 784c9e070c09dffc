"""Unserved orders before the hearing (issue 20): the daybook's assigned marshal, reminder runs,
reminder texts, phones that stopped reminders.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("docket") as table:
        table.add_column(sa.Column("assigned_smc", sa.String(length=8), nullable=True))
    op.create_table(
        "reminder_opt_out",
        sa.Column("phone", sa.String(length=16), nullable=False),
        sa.Column("marshal_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["marshal_id"], ["marshal.id"],
                                name=op.f("fk_reminder_opt_out_marshal_id_marshal")),
        sa.PrimaryKeyConstraint("phone", name=op.f("pk_reminder_opt_out")),
    )
    op.create_table(
        "reminder_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_key", sa.String(length=40), nullable=False),
        sa.Column("local_day", sa.Date(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_run")),
        sa.UniqueConstraint("run_key", name=op.f("uq_reminder_run_run_key")),
    )
    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("marshal_id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=False),
        sa.Column("docket_ids", sa.JSON(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("sid", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["reminder_run.id"],
                                name=op.f("fk_reminder_run_id_reminder_run")),
        sa.ForeignKeyConstraint(["marshal_id"], ["marshal.id"],
                                name=op.f("fk_reminder_marshal_id_marshal")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder")),
        sa.UniqueConstraint("run_id", "marshal_id", name=op.f("uq_reminder_run_id_marshal_id")),
    )


def downgrade() -> None:
    op.drop_table("reminder")
    op.drop_table("reminder_run")
    op.drop_table("reminder_opt_out")
    with op.batch_alter_table("docket") as table:
        table.drop_column("assigned_smc")
