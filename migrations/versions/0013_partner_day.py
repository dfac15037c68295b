"""The partner's day: municipalities keep their postcode areas (registration checks the postcode
against them; the Drechtsteden's seeded from the public postcode tables, for staff to check), and
the Drechtse Doelen still without their real name cannot be chosen until staff name them.

Revision ID: 0013_partner_day
Revises: 0009_identity_changes
Create Date: 2026-12-02 02:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013_partner_day"
down_revision = "0009_identity_changes"
branch_labels = None
depends_on = None

# Four-digit postcode areas of the network's municipalities (Zwijndrecht with Heerjansdam).
POSTCODE_RANGES = {"dordrecht": "3311-3329", "zwijndrecht": "3330-3336, 3341", "sliedrecht": "3360-3364"}
PLACEHOLDER_MARK = "(naam volgt)"  # how migration 0002 seeded the goals that were not public yet


def upgrade():
    with op.batch_alter_table("municipalities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("postcode_ranges", sa.String(length=200), server_default="", nullable=False))
    municipalities = sa.table("municipalities", sa.column("slug", sa.String), sa.column("postcode_ranges", sa.String))
    for slug, ranges in POSTCODE_RANGES.items():
        op.execute(
            municipalities.update()
            .where(municipalities.c.slug == slug, municipalities.c.postcode_ranges == "")
            .values(postcode_ranges=ranges)
        )
    goals = sa.table("drechtse_doelen", sa.column("title", sa.String), sa.column("active", sa.Boolean))
    op.execute(goals.update().where(goals.c.title.contains(PLACEHOLDER_MARK)).values(active=False))


def downgrade():
    goals = sa.table("drechtse_doelen", sa.column("title", sa.String), sa.column("active", sa.Boolean))
    op.execute(goals.update().where(goals.c.title.contains(PLACEHOLDER_MARK)).values(active=True))
    with op.batch_alter_table("municipalities", schema=None) as batch_op:
        batch_op.drop_column("postcode_ranges")
