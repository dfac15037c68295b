"""Are municipalities on track for their targets, and when do they reach them at this pace?

All figures come from the growth snapshots. Pace is growth per day between two snapshots,
shown per month; a month is a twelfth of the Gregorian year, the unit of both the pace and the
growth still needed, so the two compare directly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

import sqlalchemy as sa

from impactnet.extensions import db
from impactnet.regions.models import Target
from impactnet.stats.figures import upsert
from impactnet.stats.models import GrowthSnapshot, Projection

PACE_WINDOW = timedelta(days=90)
DAYS_PER_MONTH = 365.2425 / 12
FIELDS = ("partners", "labelled")


@dataclass(frozen=True)
class Reading:
    """One snapshot's figures, as far as projections need them."""

    day: date
    partners: int
    labelled: int


def per_month(earlier: Reading, later: Reading, field: str) -> float:
    """Growth per month from ``earlier`` to ``later`` (0 when they are the same day)."""
    days = (later.day - earlier.day).days
    return (getattr(later, field) - getattr(earlier, field)) / days * DAYS_PER_MONTH if days > 0 else 0.0


def reached_on(now: Reading, window_start: Reading, field: str, wanted: int) -> date | None:
    """When ``wanted`` is reached if growth goes on as from ``window_start`` to ``now``: the first day
    the straight line reaches it (``now.day`` when already reached); None when it does not grow."""
    remaining = wanted - getattr(now, field)
    if remaining <= 0:
        return now.day
    growth, days = getattr(now, field) - getattr(window_start, field), (now.day - window_start.day).days
    if growth <= 0 or days <= 0:
        return None
    return now.day + timedelta(days=-(-remaining * days // growth))  # whole days, rounded up, exactly


def needed_per_month(now: Reading, field: str, wanted: int, year_end: date) -> float:
    """Growth per month needed from now to reach ``wanted`` by the end of the target year."""
    remaining = wanted - getattr(now, field)
    if remaining <= 0:
        return 0.0
    days_left = (year_end - now.day).days
    return remaining / days_left * DAYS_PER_MONTH if days_left > 0 else float(remaining)


def gap(now: Reading, year_start: Reading, field: str, wanted: int, year_end: date) -> int:
    """How many short of the straight line from ``year_start``'s figure to ``wanted`` at the end of the
    target year, on ``now``'s day (rounded up; 0 when on or above the line)."""
    start = getattr(year_start, field)
    total = (year_end - year_start.day).days
    elapsed = min((now.day - year_start.day).days, total)
    expected = start + Fraction((wanted - start) * elapsed, total) if total > 0 else Fraction(wanted)
    return max(0, math.ceil(expected - getattr(now, field)))


def project(target: Target, now: Reading, window_start: Reading, year_start: Reading) -> dict:
    """A projection's values for ``target`` from three readings: the latest, the one 90 days before
    it and the one at the start of the year (the end of the previous year)."""
    year_end = date(target.year, 12, 31)
    wanted = {"partners": target.partners_wanted, "labelled": target.labelled_wanted}
    values = {"target_id": target.id, "municipality_id": target.municipality_id}
    for field in FIELDS:
        projected = reached_on(now, window_start, field, wanted[field])
        values |= {
            f"{field}_now": getattr(now, field),
            f"{field}_pace_90d": per_month(window_start, now, field),
            f"{field}_pace_year": per_month(year_start, now, field),
            f"projected_{field}_date": projected,
            f"{field}_needed_per_month": needed_per_month(now, field, wanted[field], year_end),
            f"{field}_gap": gap(now, year_start, field, wanted[field], year_end),
        }
    values["on_track"] = all(
        values[f"projected_{field}_date"] is not None and values[f"projected_{field}_date"] <= year_end
        for field in FIELDS
    )
    return values


def _readings(scope_keys: set[int], points: list[date], until: date) -> dict[int, list[Reading]]:
    """For each scope, the snapshots nearest to each of ``points``: the latest on or before it and the
    earliest after it (up to ``until``). One query, however many snapshots there are."""
    snapshot = GrowthSnapshot
    keys = sorted(scope_keys)
    nearest = []
    for point in points:
        nearest.append(
            sa.select(snapshot.scope_key, sa.func.max(snapshot.day).label("day"))
            .where(snapshot.scope_key.in_(keys), snapshot.day <= point)
            .group_by(snapshot.scope_key)
        )
        nearest.append(
            sa.select(snapshot.scope_key, sa.func.min(snapshot.day).label("day"))
            .where(snapshot.scope_key.in_(keys), snapshot.day > point, snapshot.day <= until)
            .group_by(snapshot.scope_key)
        )
    chosen = sa.union(*nearest).subquery()
    rows = db.session.execute(
        sa.select(snapshot.scope_key, snapshot.day, snapshot.partners, snapshot.labelled)
        .join(chosen, sa.and_(snapshot.scope_key == chosen.c.scope_key, snapshot.day == chosen.c.day))
        .order_by(snapshot.scope_key, snapshot.day)
    )
    readings: dict[int, list[Reading]] = {}
    for scope_key, day, partners, labelled in rows:
        readings.setdefault(scope_key, []).append(Reading(day, partners, labelled))
    return readings


def _at(readings: list[Reading], point: date) -> Reading:
    """The reading for ``point``: the latest on or before it, else the earliest after it."""
    before = [reading for reading in readings if reading.day <= point]
    return before[-1] if before else readings[0]


def compute_projections(day: date) -> int:
    """Store a projection on ``day`` for every target of ``day``'s year or later (replacing one
    computed on ``day`` before). Three statements, however many organisations and snapshots there
    are. A municipality without snapshots up to ``day`` gets none. Returns how many were stored."""
    targets = list(db.session.scalars(sa.select(Target).where(Target.year >= day.year).order_by(Target.id)))
    if not targets:
        return 0
    year_start, window_start = date(day.year - 1, 12, 31), day - PACE_WINDOW
    readings = _readings({target.municipality_id for target in targets}, [day, window_start, year_start], day)
    rows = []
    for target in targets:
        found = [reading for reading in readings.get(target.municipality_id, []) if reading.day <= day]
        if not found:
            continue
        now = found[-1]
        rows.append({**project(target, now, _at(found, window_start), _at(found, year_start)), "computed_on": day})
    return upsert(Projection.__table__, rows, ("target_id", "computed_on"))
