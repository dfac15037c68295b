"""Submission claims: a staff member says "ik pak dit op" on a submission in the review queue, so
two colleagues don't review the same one (who, and since when).

Revision ID: 0015_submission_claims
Revises: 0014_step_documents
Create Date: 2026-12-02 02:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015_submission_claims"
down_revision = "0014_step_documents"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("step_submissions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_step_submissions_claimed_by_id_users"),
            "users",
            ["claimed_by_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("step_submissions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_step_submissions_claimed_by_id_users"), type_="foreignkey")
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("claimed_by_id")
