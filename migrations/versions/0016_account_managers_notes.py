"""Account managers and internal notes: an organisation's relatiebeheerder (a staff user) and St MBO's
notes on it (a conversation, a phone call, an agreement), staff only.

Revision ID: 0016_account_managers_notes
Revises: 0015_submission_claims
Create Date: 2026-12-02 02:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016_account_managers_notes"
down_revision = "0015_submission_claims"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("account_manager_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_organisations_account_manager_id"), ["account_manager_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_organisations_account_manager_id_users"),
            "users",
            ["account_manager_id"],
            ["id"],
            ondelete="SET NULL",
        )

    op.create_table(
        "notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("gesprek", "telefoon", "afspraak", "overig", name="notekind", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_notes_author_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_notes_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes")),
    )
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.create_index("ix_notes_organisation", ["organisation_id", "happened_on"], unique=False)


def downgrade():
    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.drop_index("ix_notes_organisation")
    op.drop_table("notes")
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_organisations_account_manager_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_organisations_account_manager_id"))
        batch_op.drop_column("account_manager_id")
