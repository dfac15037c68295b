"""Dashboard counters: the funnel and the breakdowns per municipality and day, and the new
partners and labels per quarter and year on the growth snapshots.

Revision ID: 0005_dashboard_counters
Revises: 0004_api_tokens
Create Date: 2026-11-28 05:07:49.200316

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005_dashboard_counters"
down_revision = "0004_api_tokens"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "breakdown_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("dimension", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("partners", sa.Integer(), nullable=False),
        sa.Column("labelled", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_breakdown_snapshots_municipality_id_municipalities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_breakdown_snapshots")),
        sa.UniqueConstraint("municipality_id", "day", "dimension", "key", name="uq_breakdown_snapshots_day_key"),
    )
    op.create_table(
        "funnel_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("organisations", sa.Integer(), nullable=False),
        sa.Column("median_days", sa.Double(), nullable=True),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_funnel_snapshots_municipality_id_municipalities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["step_id"],
            ["journey_steps.id"],
            name=op.f("fk_funnel_snapshots_step_id_journey_steps"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funnel_snapshots")),
        sa.UniqueConstraint("municipality_id", "day", "step_id", name="uq_funnel_snapshots_day_step"),
    )
    with op.batch_alter_table("growth_snapshots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("new_partners_quarter", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("new_partners_year", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("new_labels_month", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("new_labels_quarter", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("new_labels_year", sa.Integer(), nullable=False, server_default="0"))


def downgrade():
    with op.batch_alter_table("growth_snapshots", schema=None) as batch_op:
        batch_op.drop_column("new_labels_year")
        batch_op.drop_column("new_labels_quarter")
        batch_op.drop_column("new_labels_month")
        batch_op.drop_column("new_partners_year")
        batch_op.drop_column("new_partners_quarter")

    op.drop_table("funnel_snapshots")
    op.drop_table("breakdown_snapshots")
