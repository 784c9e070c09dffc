"""Court locations are reference data: the Connecticut Superior Court locations that hear family
matters, in every database (issue 11). Courts already there are left as they are.

Revision ID: 0009
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0012"
branch_labels = None
depends_on = None

# As the 2015 STS drop-down lists them ("HHD-Hartford"); a copy, so later edits to the code
# cannot change what this revision did.
COURTS = (
    ("HHD", "Hartford"),
    ("HHB", "New Britain"),
    ("KNL", "New London"),
    ("KNO", "Norwich"),
    ("NNH", "New Haven"),
    ("MMX", "Middlesex (Middletown)"),
    ("FBT", "Fairfield (Bridgeport)"),
    ("FST", "Stamford-Norwalk"),
    ("DBD", "Danbury"),
    ("WWM", "Windham (Putnam)"),
    ("TTD", "Tolland (Rockville)"),
    ("LLI", "Litchfield (Torrington)"),
    ("UWY", "Waterbury"),
    ("AAN", "Ansonia-Milford"),
    ("NNI", "Meriden"),
)
court = sa.table("court", sa.column("code", sa.String), sa.column("name", sa.String))


def upgrade() -> None:
    present = set(op.get_bind().scalars(sa.select(court.c.code)))
    missing = [{"code": code, "name": name} for code, name in COURTS if code not in present]
    if missing:
        op.bulk_insert(court, missing)


def downgrade() -> None:
    # Only the courts nothing refers to go: dockets and marshals keep theirs.
    docket_courts = sa.select(sa.column("court_code")).select_from(sa.table("docket"))
    marshal_courts = (sa.select(sa.column("default_court")).select_from(sa.table("marshal"))
                      .where(sa.column("default_court").is_not(None)))
    op.execute(court.delete().where(court.c.code.in_([code for code, _ in COURTS]),
                                    court.c.code.not_in(docket_courts),
                                    court.c.code.not_in(marshal_courts)))
