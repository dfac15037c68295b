"""Workers: mail outbox, reminder preferences, growth snapshots and projections.

Revision ID: 0003_workers
Revises: 0002_journey
Create Date: 2026-11-28 03:20:16.765968

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003_workers"
down_revision = "0002_journey"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "growth_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope_key", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("partners", sa.Integer(), nullable=False),
        sa.Column("labelled", sa.Integer(), nullable=False),
        sa.Column("working_toward_label", sa.Integer(), nullable=False),
        sa.Column("applicants", sa.Integer(), nullable=False),
        sa.Column("new_this_month", sa.Integer(), nullable=False),
        sa.Column("labels_expired", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_growth_snapshots_municipality_id_municipalities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_growth_snapshots")),
        sa.UniqueConstraint("scope_key", "day", name="uq_growth_snapshots_scope_day"),
    )
    with op.batch_alter_table("growth_snapshots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_growth_snapshots_day"), ["day"], unique=False)
        batch_op.create_index(batch_op.f("ix_growth_snapshots_municipality_id"), ["municipality_id"], unique=False)

    op.create_table(
        "outbox_mails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("pending", "sent", "failed", name="mailstatus", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_outbox_mails_organisation_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_mails")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_mails_dedupe_key")),
    )
    with op.batch_alter_table("outbox_mails", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_mails_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_mails_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_mails_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "projections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("computed_on", sa.Date(), nullable=False),
        sa.Column("partners_now", sa.Integer(), nullable=False),
        sa.Column("labelled_now", sa.Integer(), nullable=False),
        sa.Column("partners_pace_90d", sa.Double(), nullable=False),
        sa.Column("labelled_pace_90d", sa.Double(), nullable=False),
        sa.Column("partners_pace_year", sa.Double(), nullable=False),
        sa.Column("labelled_pace_year", sa.Double(), nullable=False),
        sa.Column("projected_partners_date", sa.Date(), nullable=True),
        sa.Column("projected_labelled_date", sa.Date(), nullable=True),
        sa.Column("partners_needed_per_month", sa.Double(), nullable=False),
        sa.Column("labelled_needed_per_month", sa.Double(), nullable=False),
        sa.Column("on_track", sa.Boolean(), nullable=False),
        sa.Column("partners_gap", sa.Integer(), nullable=False),
        sa.Column("labelled_gap", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_projections_municipality_id_municipalities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"], ["targets.id"], name=op.f("fk_projections_target_id_targets"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projections")),
        sa.UniqueConstraint("target_id", "computed_on", name="uq_projections_target_day"),
    )
    with op.batch_alter_table("projections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_projections_municipality_id"), ["municipality_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_projections_target_id"), ["target_id"], unique=False)

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reminders_enabled", sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("reminders_enabled")

    with op.batch_alter_table("projections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_projections_target_id"))
        batch_op.drop_index(batch_op.f("ix_projections_municipality_id"))

    op.drop_table("projections")
    with op.batch_alter_table("outbox_mails", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_mails_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_mails_kind"))
        batch_op.drop_index("ix_outbox_mails_due")

    op.drop_table("outbox_mails")
    with op.batch_alter_table("growth_snapshots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_growth_snapshots_municipality_id"))
        batch_op.drop_index(batch_op.f("ix_growth_snapshots_day"))

    op.drop_table("growth_snapshots")
