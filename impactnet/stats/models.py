from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from impactnet.database import UTCDateTime, utcnow
from impactnet.extensions import Model

REGION = 0  # scope_key of the whole region's rows


class GrowthSnapshot(Model):
    """The network's figures on one day, for one municipality or the region.

    Unique per (scope, day), so computing a day again replaces nothing twice.
    ``scope_key`` is the municipality's id, or 0 for the region.
    """

    __tablename__ = "growth_snapshots"
    __table_args__ = (sa.UniqueConstraint("scope_key", "day", name="uq_growth_snapshots_scope_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope_key: Mapped[int]
    municipality_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("municipalities.id", ondelete="CASCADE"), index=True
    )
    day: Mapped[date] = mapped_column(sa.Date, index=True)
    # What each figure counts: impactnet.stats.definitions. The parts of "partners" add up to it:
    # partners = labelled + working_toward_label + label_expired + label_revoked.
    partners: Mapped[int] = mapped_column(default=0)
    labelled: Mapped[int] = mapped_column(default=0)
    working_toward_label: Mapped[int] = mapped_column(default=0)
    label_expired: Mapped[int] = mapped_column(default=0)
    label_revoked: Mapped[int] = mapped_column(default=0)
    applicants: Mapped[int] = mapped_column(default=0)
    # Organisations that became partner, or got the label, since the start of the day's month,
    # quarter and year (``new_this_month``: partners this month).
    new_this_month: Mapped[int] = mapped_column(default=0)
    new_partners_quarter: Mapped[int] = mapped_column(default=0)
    new_partners_year: Mapped[int] = mapped_column(default=0)
    new_labels_month: Mapped[int] = mapped_column(default=0)
    new_labels_quarter: Mapped[int] = mapped_column(default=0)
    new_labels_year: Mapped[int] = mapped_column(default=0)
    # When the row was computed: the "as of" every page, export and the API shows with the figures.
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class FunnelSnapshot(Model):
    """How many of a municipality's organisations on their way to the label stand at a step on
    one day (the first step not yet approved), and the median days they have been there."""

    __tablename__ = "funnel_snapshots"
    __table_args__ = (sa.UniqueConstraint("municipality_id", "day", "step_id", name="uq_funnel_snapshots_day_step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipalities.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(sa.Date)
    step_id: Mapped[int] = mapped_column(sa.ForeignKey("journey_steps.id", ondelete="CASCADE"))
    organisations: Mapped[int] = mapped_column(default=0)
    median_days: Mapped[float | None]
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class BreakdownSnapshot(Model):
    """A municipality's partners and labelled organisations in one sector or size class on one day."""

    __tablename__ = "breakdown_snapshots"
    __table_args__ = (
        sa.UniqueConstraint("municipality_id", "day", "dimension", "key", name="uq_breakdown_snapshots_day_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipalities.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(sa.Date)
    dimension: Mapped[str] = mapped_column(sa.String(20))  # "sector" or "size_class"
    key: Mapped[str] = mapped_column(sa.String(40))
    partners: Mapped[int] = mapped_column(default=0)
    labelled: Mapped[int] = mapped_column(default=0)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Projection(Model):
    """When a municipality reaches a target at the recent pace (stored by the daily job)."""

    __tablename__ = "projections"
    __table_args__ = (sa.UniqueConstraint("target_id", "computed_on", name="uq_projections_target_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(sa.ForeignKey("targets.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipalities.id", ondelete="CASCADE"), index=True)
    computed_on: Mapped[date] = mapped_column(sa.Date)
    partners_now: Mapped[int]
    labelled_now: Mapped[int]
    # Growth per month at the pace of the last 90 days and of the year so far.
    partners_pace_90d: Mapped[float]
    labelled_pace_90d: Mapped[float]
    partners_pace_year: Mapped[float]
    labelled_pace_year: Mapped[float]
    projected_partners_date: Mapped[date | None] = mapped_column(sa.Date)
    projected_labelled_date: Mapped[date | None] = mapped_column(sa.Date)
    partners_needed_per_month: Mapped[float]
    labelled_needed_per_month: Mapped[float]
    on_track: Mapped[bool]
    partners_gap: Mapped[int]  # how many partners behind the straight line to the target (0 when on track)
    labelled_gap: Mapped[int]
