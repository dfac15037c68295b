"""Organisation milestones: four derived columns of ``organisations`` that the snapshot job reads
instead of the step progress and the audit trail (impactnet.stats.milestones): the first step not
yet approved and since which day the organisation stands there, and the last moment it became partner
and got the label. Filled here from the same sources; from now on kept by every flush.

The backfill is written out here rather than imported from impactnet.stats.milestones, so that
this migration keeps doing what it did when that code moves on.

Revision ID: 0019_organisation_milestones
Revises: 0018_figure_parts
Create Date: 2026-12-03 18:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019_organisation_milestones"
down_revision = "0018_figure_parts"
branch_labels = None
depends_on = None

PARTNER_VALUES = ["label_expired", "label_revoked", "labelled", "partner", "working_toward_label"]

organisations = sa.table(
    "organisations",
    sa.column("id", sa.Integer),
    sa.column("created_at", sa.DateTime),
    sa.column("updated_at", sa.DateTime),
    sa.column("journey_step_id", sa.Integer),
    sa.column("journey_step_since", sa.Date),
    sa.column("became_partner_at", sa.DateTime),
    sa.column("got_label_at", sa.DateTime),
)
steps = sa.table("journey_steps", sa.column("id", sa.Integer), sa.column("position", sa.Integer))
progress = sa.table(
    "step_progress",
    sa.column("organisation_id", sa.Integer),
    sa.column("step_id", sa.Integer),
    sa.column("state", sa.String),
    sa.column("state_changed_at", sa.DateTime),
)
events = sa.table(
    "audit_events",
    sa.column("organisation_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("occurred_at", sa.DateTime),
    sa.column("before", sa.JSON),
    sa.column("after", sa.JSON),
)


def utc_day(moment):
    if op.get_bind().dialect.name == "sqlite":
        return sa.func.date(moment)  # stored as UTC already
    return sa.cast(sa.func.timezone("UTC", moment), sa.Date)


def upgrade():
    for name, type_ in (
        ("journey_step_id", sa.Integer()),
        ("journey_step_since", sa.Date()),
        ("became_partner_at", sa.DateTime(timezone=True)),
        ("got_label_at", sa.DateTime(timezone=True)),
    ):
        op.add_column("organisations", sa.Column(name, type_, nullable=True))
    org = organisations.c
    approved = (
        sa.exists()
        .where(progress.c.organisation_id == org.id, progress.c.step_id == steps.c.id, progress.c.state == "approved")
        .correlate_except(progress)
    )
    last_approval = (
        sa.select(sa.func.max(progress.c.state_changed_at))
        .where(progress.c.organisation_id == org.id, progress.c.state == "approved")
        .scalar_subquery()
    )
    before, after = events.c.before["status"].as_string(), events.c.after["status"].as_string()
    became = {
        "became_partner_at": sa.and_(before.not_in(PARTNER_VALUES), after.in_(PARTNER_VALUES)),
        "got_label_at": sa.and_(after == "labelled", before != "labelled"),
    }
    values = {
        "journey_step_id": sa.select(steps.c.id)
        .where(~approved)
        .order_by(steps.c.position, steps.c.id)
        .limit(1)
        .scalar_subquery(),
        "journey_step_since": utc_day(sa.func.coalesce(last_approval, org.created_at)),
        "updated_at": org.updated_at,
    }
    for column, condition in became.items():
        values[column] = (
            sa.select(sa.func.max(events.c.occurred_at))
            .where(events.c.organisation_id == org.id, events.c.action == "organisation.status_changed", condition)
            .scalar_subquery()
        )
    op.execute(sa.update(organisations).values(values))


def downgrade():
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        for name in ("got_label_at", "became_partner_at", "journey_step_since", "journey_step_id"):
            batch_op.drop_column(name)
