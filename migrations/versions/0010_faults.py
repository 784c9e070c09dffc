"""Faults: one current entry per docket and kind, long caller ids, seen webhook signatures,
and commits refused once a webhook's deadline has passed (PostgreSQL).

Revision ID: 0010
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0014"
branch_labels = None
depends_on = None

FIRST_ONLY = sa.text("supersedes_id IS NULL")

# A webhook sets serveline.deadline (epoch seconds) for its transaction; an activity whose
# COMMIT reaches the server after it (packets delayed past the caller's answer) is refused,
# so nothing is recorded after the caller was told it was not.
DEADLINE_FUNCTION = """
CREATE FUNCTION serveline_before_deadline() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    deadline text := current_setting('serveline.deadline', true);
BEGIN
    IF deadline IS NOT NULL AND deadline <> ''
       AND clock_timestamp() > to_timestamp(deadline::double precision) THEN
        RAISE EXCEPTION 'the webhook deadline has passed' USING ERRCODE = '57014';
    END IF;
    RETURN NULL;
END $$
"""
DEADLINE_TRIGGER = """
CREATE CONSTRAINT TRIGGER activity_before_deadline AFTER INSERT ON activity
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION serveline_before_deadline()
"""


def upgrade() -> None:
    op.create_index("uq_activity_first_per_docket_kind", "activity", ["docket_id", "kind"],
                    unique=True, postgresql_where=FIRST_ONLY, sqlite_where=FIRST_ONLY)
    with op.batch_alter_table("call_log") as table:
        table.alter_column("from_number", type_=sa.String(length=255),
                           existing_type=sa.String(length=32), existing_nullable=True)
        table.alter_column("to_number", type_=sa.String(length=255),
                           existing_type=sa.String(length=32), existing_nullable=True)
    op.create_table(
        "seen_signature",
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("signature", name=op.f("pk_seen_signature")),
    )
    op.create_index(op.f("ix_seen_signature_seen_at"), "seen_signature", ["seen_at"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(DEADLINE_FUNCTION)
        op.execute(DEADLINE_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER activity_before_deadline ON activity")
        op.execute("DROP FUNCTION serveline_before_deadline()")
    op.drop_index(op.f("ix_seen_signature_seen_at"), table_name="seen_signature")
    op.drop_table("seen_signature")
    with op.batch_alter_table("call_log") as table:
        table.alter_column("to_number", type_=sa.String(length=32),
                           existing_type=sa.String(length=255), existing_nullable=True)
        table.alter_column("from_number", type_=sa.String(length=32),
                           existing_type=sa.String(length=255), existing_nullable=True)
    op.drop_index("uq_activity_first_per_docket_kind", table_name="activity")
