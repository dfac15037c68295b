"""Growth figures over time and progress toward the municipalities' targets.

The daily task calls :func:`take_snapshots` then :func:`compute_projections`; ``flask
backfill-snapshots`` rebuilds the past with :func:`backfill_snapshots`; the dashboards read
:func:`series` and :func:`projection_for`. Like every service these flush, never commit.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from impactnet.extensions import db
from impactnet.stats.models import REGION, GrowthSnapshot, Projection
from impactnet.stats.projections import compute_projections
from impactnet.stats.snapshots import (
    backfill_snapshots,
    first_activity_day,
    take_snapshots,
)

__all__ = ["backfill_snapshots", "compute_projections", "first_activity_day", "projection_for", "series",
           "take_snapshots"]


def projection_for(target_id: int) -> Projection | None:
    """The target's most recent projection."""
    return db.session.scalar(
        sa.select(Projection).where(Projection.target_id == target_id)
        .order_by(Projection.computed_on.desc()).limit(1))


def series(municipality_id: int | None, start: date, end: date) -> list[GrowthSnapshot]:
    """One snapshot per month from ``start`` to ``end`` (the last of each month, so the current
    month shows its latest figures), oldest first; ``municipality_id`` None is the region."""
    scope = REGION if municipality_id is None else municipality_id
    in_range = sa.and_(GrowthSnapshot.scope_key == scope, GrowthSnapshot.day >= start, GrowthSnapshot.day <= end)
    month_ends = (
        sa.select(sa.func.max(GrowthSnapshot.day)).where(in_range)
        .group_by(sa.extract("year", GrowthSnapshot.day), sa.extract("month", GrowthSnapshot.day))
    )
    return list(db.session.scalars(
        sa.select(GrowthSnapshot).where(in_range, GrowthSnapshot.day.in_(month_ends)).order_by(GrowthSnapshot.day)))
