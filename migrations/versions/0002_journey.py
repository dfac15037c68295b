"""The label journey: steps, progress, submissions, evidence, impact plans, label dates.

Seeds St MBO's path (five steps) and the three Drechtse Doelen; only the
first is public, the other two are placeholders staff rename.

Revision ID: 0002_journey
Revises: 0001_foundation
Create Date: 2026-11-28 02:45:39.625668

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002_journey"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "drechtse_doelen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drechtse_doelen")),
        sa.UniqueConstraint("number", name=op.f("uq_drechtse_doelen_number")),
    )
    op.create_table(
        "journey_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "evidence",
                "questionnaire",
                "staff_recorded",
                "impact_plan",
                "label_review",
                name="stepkind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("requirements", sa.Text(), nullable=False),
        sa.Column("evidence_required", sa.Boolean(), nullable=False),
        sa.Column("reminder_days", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journey_steps")),
        sa.UniqueConstraint("key", name=op.f("uq_journey_steps_key")),
        sa.UniqueConstraint("position", name=op.f("uq_journey_steps_position")),
    )
    op.create_table(
        "step_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "not_started",
                "draft",
                "submitted",
                "approved",
                "changes_requested",
                name="stepstate",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("state_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_step_progress_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["step_id"], ["journey_steps.id"], name=op.f("fk_step_progress_step_id_journey_steps")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_step_progress")),
        sa.UniqueConstraint("organisation_id", "step_id", name="uq_step_progress_organisation_step"),
    )
    with op.batch_alter_table("step_progress", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_step_progress_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_step_progress_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_step_progress_step_id"), ["step_id"], unique=False)

    op.create_table(
        "step_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("progress_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "not_started",
                "draft",
                "submitted",
                "approved",
                "changes_requested",
                name="stepstate",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("feedback", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_step_submissions_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_step_submissions_decided_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["progress_id"],
            ["step_progress.id"],
            name=op.f("fk_step_submissions_progress_id_step_progress"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_step_submissions")),
        sa.UniqueConstraint("progress_id", "number", name="uq_step_submissions_progress_number"),
    )
    with op.batch_alter_table("step_submissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_step_submissions_progress_id"), ["progress_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_step_submissions_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_step_submissions_submitted_at"), ["submitted_at"], unique=False)

    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_evidence_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["step_submissions.id"],
            name=op.f("fk_evidence_submission_id_step_submissions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_evidence_uploaded_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_evidence_stored_name")),
    )
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evidence_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_evidence_submission_id"), ["submission_id"], unique=False)

    op.create_table(
        "impact_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("commitment", sa.String(length=200), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["drechtse_doelen.id"], name=op.f("fk_impact_actions_goal_id_drechtse_doelen")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["step_submissions.id"],
            name=op.f("fk_impact_actions_submission_id_step_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_impact_actions")),
    )
    with op.batch_alter_table("impact_actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_impact_actions_goal_id"), ["goal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_impact_actions_submission_id"), ["submission_id"], unique=False)

    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("label_awarded_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("label_valid_until", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("label_revoked_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("label_revoked_reason", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_organisations_label_valid_until"), ["label_valid_until"], unique=False)

    _seed_path()


STEPS = [
    (
        1,
        "partnerovereenkomst",
        "evidence",
        "Partnerovereenkomst",
        "Met de partnerovereenkomst wordt uw organisatie partner van Ondernemen met impact. "
        "U ontvangt de overeenkomst van St MBO; upload hier de getekende versie.",
        "Upload de getekende partnerovereenkomst (PDF of foto) en schrijf wie namens uw organisatie heeft getekend.",
        True,
        14,
    ),
    (
        2,
        "inventarisatie",
        "questionnaire",
        "Inventarisatie",
        "Breng per thema in kaart wat uw organisatie nu al doet voor de samenleving. U kunt tussendoor opslaan.",
        "Beantwoord de vragen per thema.",
        False,
        30,
    ),
    (
        3,
        "inspiratiesessie",
        "staff_recorded",
        "Inspiratiesessie",
        "In een inspiratiesessie verkent u samen met St MBO welke mogelijkheden er nog meer zijn. "
        "St MBO plant de sessie met u en legt hier vast dat die heeft plaatsgevonden.",
        "Geen inzending nodig: St MBO legt de sessie vast.",
        False,
        60,
    ),
    (
        4,
        "impactplan",
        "impact_plan",
        "Impactplan",
        "U bepaalt zelf welke impact u wilt maken: kies een of meer Drechtse Doelen en beschrijf concrete acties, "
        "elk met een meetbare toezegging en een streefdatum.",
        "Minstens één actie met een Drechts Doel, een meetbare toezegging (bijvoorbeeld ‘2 BBL-plaatsen per jaar’) "
        "en een streefdatum.",
        False,
        45,
    ),
    (
        5,
        "beoordeling",
        "label_review",
        "Beoordeling en label",
        "Vraag de beoordeling aan. St MBO beoordeelt uw impactplan en kent het label toe. "
        "Is uw label bijna verlopen? Vraag hier opnieuw een beoordeling aan om het te verlengen.",
        "Schrijf een korte toelichting bij uw aanvraag.",
        False,
        30,
    ),
]

GOALS = [
    (1, "Bereikbaar maken van bestaanszekerheid voor iedereen", ""),
    (2, "Drechts Doel 2 (naam volgt)", "Nog niet openbaar; St MBO vult de naam in."),
    (3, "Drechts Doel 3 (naam volgt)", "Nog niet openbaar; St MBO vult de naam in."),
]


def _seed_path():
    now = datetime.now(UTC)
    if op.get_bind().dialect.name == "sqlite":
        now = now.replace(tzinfo=None)
    steps = sa.table(
        "journey_steps",
        sa.column("position", sa.Integer),
        sa.column("key", sa.String),
        sa.column("kind", sa.String),
        sa.column("title", sa.String),
        sa.column("explanation", sa.Text),
        sa.column("requirements", sa.Text),
        sa.column("evidence_required", sa.Boolean),
        sa.column("reminder_days", sa.Integer),
        sa.column("created_at", sa.DateTime),
        sa.column("updated_at", sa.DateTime),
    )
    goals = sa.table(
        "drechtse_doelen",
        sa.column("number", sa.Integer),
        sa.column("title", sa.String),
        sa.column("description", sa.Text),
        sa.column("active", sa.Boolean),
        sa.column("created_at", sa.DateTime),
        sa.column("updated_at", sa.DateTime),
    )
    op.bulk_insert(
        steps,
        [
            {
                "position": position,
                "key": key,
                "kind": kind,
                "title": title,
                "explanation": explanation,
                "requirements": requirements,
                "evidence_required": evidence,
                "reminder_days": days,
                "created_at": now,
                "updated_at": now,
            }
            for position, key, kind, title, explanation, requirements, evidence, days in STEPS
        ],
    )
    op.bulk_insert(
        goals,
        [
            {
                "number": number,
                "title": title,
                "description": description,
                "active": True,
                "created_at": now,
                "updated_at": now,
            }
            for number, title, description in GOALS
        ],
    )


def downgrade():
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisations_label_valid_until"))
        batch_op.drop_column("label_revoked_reason")
        batch_op.drop_column("label_revoked_on")
        batch_op.drop_column("label_valid_until")
        batch_op.drop_column("label_awarded_on")

    with op.batch_alter_table("impact_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_impact_actions_submission_id"))
        batch_op.drop_index(batch_op.f("ix_impact_actions_goal_id"))

    op.drop_table("impact_actions")
    with op.batch_alter_table("evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_submission_id"))
        batch_op.drop_index(batch_op.f("ix_evidence_organisation_id"))

    op.drop_table("evidence")
    with op.batch_alter_table("step_submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_step_submissions_submitted_at"))
        batch_op.drop_index(batch_op.f("ix_step_submissions_state"))
        batch_op.drop_index(batch_op.f("ix_step_submissions_progress_id"))

    op.drop_table("step_submissions")
    with op.batch_alter_table("step_progress", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_step_progress_step_id"))
        batch_op.drop_index(batch_op.f("ix_step_progress_state"))
        batch_op.drop_index(batch_op.f("ix_step_progress_organisation_id"))

    op.drop_table("step_progress")
    op.drop_table("journey_steps")
    op.drop_table("drechtse_doelen")
