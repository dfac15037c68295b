"""Inspiration sessions: the sessions St MBO plans, the organisations' bookings (and waiting list),
and one attachment on an outbox mail (the session's calendar invitation).

Revision ID: 0017_inspiration_sessions
Revises: 0016_account_managers_notes
Create Date: 2026-12-02 04:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017_inspiration_sessions"
down_revision = "0016_account_managers_notes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_mails", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attachment_filename", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("attachment_content_type", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("attachment_data", sa.LargeBinary(), nullable=True))

    op.create_table(
        "inspiration_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("online_url", sa.String(length=500), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("attendance_recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attendance_recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["attendance_recorded_by_id"],
            ["users.id"],
            name=op.f("fk_inspiration_sessions_attendance_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_inspiration_sessions_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_inspiration_sessions_municipality_id_municipalities"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspiration_sessions")),
    )
    with op.batch_alter_table("inspiration_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspiration_sessions_municipality_id"), ["municipality_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_inspiration_sessions_starts_at"), ["starts_at"], unique=False)

    op.create_table(
        "session_bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("open_for_organisation_id", sa.Integer(), nullable=True),
        sa.Column("booked_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "state",
            sa.Enum("booked", "waiting", "cancelled", name="bookingstate", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.Column("attendance_recorded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attendance_recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["attendance_recorded_by_id"],
            ["users.id"],
            name=op.f("fk_session_bookings_attendance_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["booked_by_id"], ["users.id"], name=op.f("fk_session_bookings_booked_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["open_for_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_session_bookings_open_for_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_session_bookings_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["inspiration_sessions.id"],
            name=op.f("fk_session_bookings_session_id_inspiration_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_bookings")),
        sa.UniqueConstraint("open_for_organisation_id", name=op.f("uq_session_bookings_open_for_organisation_id")),
    )
    with op.batch_alter_table("session_bookings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_session_bookings_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_session_bookings_session_id"), ["session_id"], unique=False)


def downgrade():
    with op.batch_alter_table("session_bookings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_bookings_session_id"))
        batch_op.drop_index(batch_op.f("ix_session_bookings_organisation_id"))
    op.drop_table("session_bookings")
    with op.batch_alter_table("inspiration_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspiration_sessions_starts_at"))
        batch_op.drop_index(batch_op.f("ix_inspiration_sessions_municipality_id"))
    op.drop_table("inspiration_sessions")
    with op.batch_alter_table("outbox_mails", schema=None) as batch_op:
        batch_op.drop_column("attachment_data")
        batch_op.drop_column("attachment_content_type")
        batch_op.drop_column("attachment_filename")
