"""Public face: the impact statement and the erasure mark of an organisation, a user's language,
and indexes for the public directory (on PostgreSQL also a trigram index, so that searching
names with ILIKE '%...%' does not scan every organisation).

Revision ID: 0006_public_face
Revises: 0005_dashboard_counters
Create Date: 2026-11-28 05:23:16.083546

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006_public_face"
down_revision = "0005_dashboard_counters"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("impact_statement", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_organisations_directory", ["public_listing", "name"], unique=False)

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locale", sa.String(length=5), nullable=True))

    if op.get_bind().dialect.name == "postgresql":
        # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_organisations_name_trgm ON organisations USING gin (name gin_trgm_ops)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_organisations_name_trgm")

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("locale")

    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_index("ix_organisations_directory")
        batch_op.drop_column("erased_at")
        batch_op.drop_column("impact_statement")
