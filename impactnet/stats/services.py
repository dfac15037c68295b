"""Growth figures over time and progress toward the municipalities' targets.

The daily task calls :func:`take_snapshots` then :func:`compute_projections`; ``flask
backfill-snapshots`` rebuilds the past with :func:`backfill_snapshots`; the dashboards read
:func:`series` and :func:`projection_for`. Like every service these flush, never commit.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from impactnet.extensions import db
from impactnet.regions.models import Target
from impactnet.stats.models import REGION, GrowthSnapshot, Projection
from impactnet.stats.projections import compute_projections
from impactnet.stats.snapshots import (
    backfill_snapshots,
    first_activity_day,
    take_snapshots,
)

__all__ = [
    "backfill_snapshots",
    "compute_missing_figures",
    "compute_projections",
    "first_activity_day",
    "latest_snapshots",
    "projection_for",
    "series",
    "take_snapshots",
    "targets_with_projections",
]


def compute_missing_figures(today: date) -> None:
    """Compute today's snapshots, counters and projections now, as the hourly job would: for a page
    that finds figures never computed (a fresh install, the demo seed's backfilled days, the
    first hour after a restart), so it never shows zeros or "< 5" for what exists."""
    take_snapshots(today)
    compute_projections(today)


def projection_for(target_id: int) -> Projection | None:
    """The target's most recent projection."""
    return db.session.scalar(
        sa.select(Projection).where(Projection.target_id == target_id).order_by(Projection.computed_on.desc()).limit(1)
    )


def series(municipality_id: int | None, start: date, end: date) -> list[GrowthSnapshot]:
    """One snapshot per month from ``start`` to ``end`` (the last of each month, so the current
    month shows its latest figures), oldest first; ``municipality_id`` None is the region."""
    scope = REGION if municipality_id is None else municipality_id
    in_range = sa.and_(GrowthSnapshot.scope_key == scope, GrowthSnapshot.day >= start, GrowthSnapshot.day <= end)
    month_ends = (
        sa.select(sa.func.max(GrowthSnapshot.day))
        .where(in_range)
        .group_by(sa.extract("year", GrowthSnapshot.day), sa.extract("month", GrowthSnapshot.day))
    )
    return list(
        db.session.scalars(
            sa.select(GrowthSnapshot).where(in_range, GrowthSnapshot.day.in_(month_ends)).order_by(GrowthSnapshot.day)
        )
    )


def latest_snapshots() -> dict[int, GrowthSnapshot]:
    """Each scope's most recent snapshot (key: municipality id, or REGION), in one query."""
    latest = (
        sa.select(GrowthSnapshot.scope_key, sa.func.max(GrowthSnapshot.day).label("day"))
        .group_by(GrowthSnapshot.scope_key)
        .subquery()
    )
    rows = db.session.scalars(
        sa.select(GrowthSnapshot).join(
            latest, sa.and_(GrowthSnapshot.scope_key == latest.c.scope_key, GrowthSnapshot.day == latest.c.day)
        )
    )
    return {row.scope_key: row for row in rows}


def targets_with_projections(municipality_id: int | None = None) -> dict[int, list[tuple[Target, Projection | None]]]:
    """Every target (of one municipality, or all) with its most recent projection (or None),
    by municipality and oldest year first, in one query."""
    latest = (
        sa.select(Projection.target_id, sa.func.max(Projection.computed_on).label("computed_on"))
        .group_by(Projection.target_id)
        .subquery()
    )
    query = (
        sa.select(Target, Projection)
        .outerjoin(latest, latest.c.target_id == Target.id)
        .outerjoin(
            Projection, sa.and_(Projection.target_id == Target.id, Projection.computed_on == latest.c.computed_on)
        )
        .order_by(Target.municipality_id, Target.year)
    )
    if municipality_id is not None:
        query = query.where(Target.municipality_id == municipality_id)
    by_municipality: dict[int, list[tuple[Target, Projection | None]]] = {}
    for target, projection in db.session.execute(query):
        by_municipality.setdefault(target.municipality_id, []).append((target, projection))
    return by_municipality
