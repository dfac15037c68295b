"""Step documents: the partner agreement St MBO offers on step 1, a PDF per language, versioned
(each upload the next version; the latest offered). The seeded step no longer says "U ontvangt de
overeenkomst van St MBO": the page now offers it, or says how it comes.

Revision ID: 0014_step_documents
Revises: 0013_partner_day
Create Date: 2026-12-02 01:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014_step_documents"
down_revision = "0013_partner_day"
branch_labels = None
depends_on = None

AGREEMENT = "partnerovereenkomst"
# The agreement step's explanation as migrations 0002 and 0007 seeded it, and as it reads now, by
# column; replaced only where staff have not changed it.
EXPLANATIONS = {
    "explanation": (
        "Met de partnerovereenkomst wordt uw organisatie partner van Ondernemen met impact. "
        "U ontvangt de overeenkomst van St MBO; upload hier de getekende versie.",
        "Met de partnerovereenkomst wordt uw organisatie partner van Ondernemen met impact. "
        "Hieronder leest u hoe u de overeenkomst krijgt en wat u ermee doet.",
    ),
    "explanation_en": (
        "With the partner agreement your organisation becomes a partner of Ondernemen met impact. "
        "You receive the agreement from St MBO; upload the signed copy here.",
        "With the partner agreement your organisation becomes a partner of Ondernemen met impact. "
        "Below you can read how you get the agreement and what to do with it.",
    ),
}


def _replace_explanations(old_index: int, new_index: int) -> None:
    steps = sa.table("journey_steps", sa.column("key", sa.String), *(sa.column(c, sa.Text) for c in EXPLANATIONS))
    for column, texts in EXPLANATIONS.items():
        op.execute(
            steps.update()
            .where(steps.c.key == AGREEMENT, steps.c[column] == texts[old_index])
            .values({column: texts[new_index]})
        )


def upgrade():
    op.create_table(
        "step_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("step_key", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["step_key"],
            ["journey_steps.key"],
            name=op.f("fk_step_documents_step_key_journey_steps"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_step_documents_uploaded_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_step_documents")),
        sa.UniqueConstraint("step_key", "language", "version", name="uq_step_documents_step_language_version"),
        sa.UniqueConstraint("stored_name", name=op.f("uq_step_documents_stored_name")),
    )
    _replace_explanations(0, 1)


def downgrade():
    _replace_explanations(1, 0)
    op.drop_table("step_documents")
