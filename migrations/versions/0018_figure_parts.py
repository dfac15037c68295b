"""The parts of "partners" in the growth snapshots: ``labels_expired`` becomes ``label_expired``
and ``label_revoked`` is added, so that partners = labelled + working_toward_label +
label_expired + label_revoked (impactnet.stats.definitions).

Existing rows get their revoked labels as what "partners" held beyond the other parts (it counted
every partner status, the revoked included), which is exact for the rows the snapshot job and the
backfill wrote; the next run of either rewrites its days anyway.

Revision ID: 0018_figure_parts
Revises: 0017_inspiration_sessions
Create Date: 2026-12-02 05:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018_figure_parts"
down_revision = "0017_inspiration_sessions"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("growth_snapshots", schema=None) as batch_op:
        batch_op.alter_column(
            "labels_expired", new_column_name="label_expired", existing_type=sa.Integer(), existing_nullable=False
        )
        batch_op.add_column(sa.Column("label_revoked", sa.Integer(), nullable=False, server_default="0"))
    op.execute(
        "UPDATE growth_snapshots SET label_revoked = "
        "partners - labelled - working_toward_label - label_expired "
        "WHERE partners > labelled + working_toward_label + label_expired"
    )
    with op.batch_alter_table("growth_snapshots", schema=None) as batch_op:
        batch_op.alter_column("label_revoked", server_default=None, existing_type=sa.Integer(), existing_nullable=False)


def downgrade():
    with op.batch_alter_table("growth_snapshots", schema=None) as batch_op:
        batch_op.drop_column("label_revoked")
        batch_op.alter_column(
            "label_expired", new_column_name="labels_expired", existing_type=sa.Integer(), existing_nullable=False
        )
