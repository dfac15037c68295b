"""English texts of the path: the steps' title, explanation and requirements and the Drechtse
Doelen's name and description, editable by staff like the Dutch ones; the seeded ones translated.

Revision ID: 0007_english_texts
Revises: 0006_public_face
Create Date: 2026-11-28 06:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007_english_texts"
down_revision = "0006_public_face"
branch_labels = None
depends_on = None

# The seeded steps (migration 0002) in English, by key: (title, explanation, requirements).
STEPS_EN = {
    "partnerovereenkomst": (
        "Partner agreement",
        "With the partner agreement your organisation becomes a partner of Ondernemen met impact. "
        "You receive the agreement from St MBO; upload the signed copy here.",
        "Upload the signed partner agreement (PDF or photo) and say who signed it for your organisation.",
    ),
    "inventarisatie": (
        "Inventory",
        "Map out, theme by theme, what your organisation already does for society. You can save as you go.",
        "Answer the questions for each theme.",
    ),
    "inspiratiesessie": (
        "Inspiration session",
        "In an inspiration session you explore with St MBO which other options there are. "
        "St MBO plans the session with you and records here that it took place.",
        "Nothing to submit: St MBO records the session.",
    ),
    "impactplan": (
        "Impact plan",
        "You decide what impact you want to make: choose one or more Drechtse Doelen and describe concrete "
        "actions, each with a measurable commitment and a target date.",
        "At least one action with a Drechts Doel, a measurable commitment (for example '2 work-based learning "
        "places a year') and a target date.",
    ),
    "beoordeling": (
        "Review and label",
        "Ask for the review. St MBO reviews your impact plan and awards the label. "
        "Is your label about to expire? Ask for a review here again to renew it.",
        "Write a short note with your request.",
    ),
}
# The seeded Drechtse Doelen in English, by number: (title, description).
GOALS_EN = {
    1: ("Making a secure livelihood attainable for everyone", ""),
    2: ("Drechts Doel 2 (name to follow)", "Not public yet; St MBO fills in the name."),
    3: ("Drechts Doel 3 (name to follow)", "Not public yet; St MBO fills in the name."),
}


def upgrade():
    with op.batch_alter_table("journey_steps", schema=None) as batch_op:
        batch_op.add_column(sa.Column("title_en", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("explanation_en", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("requirements_en", sa.Text(), nullable=True))

    with op.batch_alter_table("drechtse_doelen", schema=None) as batch_op:
        batch_op.add_column(sa.Column("title_en", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("description_en", sa.Text(), nullable=True))

    steps = sa.table(
        "journey_steps",
        sa.column("key", sa.String),
        sa.column("title_en", sa.String),
        sa.column("explanation_en", sa.Text),
        sa.column("requirements_en", sa.Text),
    )
    for key, (title, explanation, requirements) in STEPS_EN.items():
        op.execute(
            steps.update()
            .where(steps.c.key == key)
            .values(title_en=title, explanation_en=explanation, requirements_en=requirements)
        )
    goals = sa.table(
        "drechtse_doelen",
        sa.column("number", sa.Integer),
        sa.column("title_en", sa.String),
        sa.column("description_en", sa.Text),
    )
    for number, (title, description) in GOALS_EN.items():
        op.execute(goals.update().where(goals.c.number == number).values(title_en=title, description_en=description))


def downgrade():
    with op.batch_alter_table("drechtse_doelen", schema=None) as batch_op:
        batch_op.drop_column("description_en")
        batch_op.drop_column("title_en")

    with op.batch_alter_table("journey_steps", schema=None) as batch_op:
        batch_op.drop_column("requirements_en")
        batch_op.drop_column("explanation_en")
        batch_op.drop_column("title_en")
