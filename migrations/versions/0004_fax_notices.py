"""Police fax notices (issue 5): the provider's own status word on each notification.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("notification", sa.Column("provider_status", sa.String(length=20), nullable=True))


def downgrade() -> None:
    op.drop_column("notification", "provider_status")
