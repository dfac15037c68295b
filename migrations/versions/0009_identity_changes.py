"""Identity changes: a partner's request to change its organisation's KvK number or name, decided
by St MBO staff (and staff's own direct changes), kept as the organisation's identity history.

Revision ID: 0009_identity_changes
Revises: 0008_account_hardening
Create Date: 2026-11-29 09:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009_identity_changes"
down_revision = "0008_account_hardening"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "identity_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("old_kvk_number", sa.String(length=8), nullable=False),
        sa.Column("new_kvk_number", sa.String(length=8), nullable=False),
        sa.Column("old_name", sa.String(length=200), nullable=False),
        sa.Column("new_name", sa.String(length=200), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "pending", "approved", "rejected", "withdrawn", name="identitychangestate", native_enum=False, length=10
            ),
            nullable=False,
        ),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_identity_changes_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_identity_changes_requested_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_identity_changes_decided_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_changes")),
    )
    with op.batch_alter_table("identity_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_identity_changes_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index("ix_identity_changes_old_kvk", ["old_kvk_number", "state"], unique=False)
        # At most one request waits per organisation.
        batch_op.create_index(
            "uq_identity_changes_pending",
            ["organisation_id"],
            unique=True,
            sqlite_where=sa.text("state = 'pending'"),
            postgresql_where=sa.text("state = 'pending'"),
        )


def downgrade():
    with op.batch_alter_table("identity_changes", schema=None) as batch_op:
        batch_op.drop_index("uq_identity_changes_pending")
        batch_op.drop_index("ix_identity_changes_old_kvk")
        batch_op.drop_index(batch_op.f("ix_identity_changes_organisation_id"))

    op.drop_table("identity_changes")
