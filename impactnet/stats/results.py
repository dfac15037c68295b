"""How each target year ended, or stands: "are we on track?" answered per target.

A finished year's result is the figure of its last stored snapshot (on 31 December, or the
latest day before it the snapshot job stored): that is what the monthly table shows for
December too. The current year, and a later one, read the latest snapshot ("so far") and the
stored projection. Read from the growth snapshots and projections only (one query for the
year ends, next to the ones the dashboard already sends).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from markupsafe import Markup

from impactnet.core.fragments import kept_fragment
from impactnet.extensions import db
from impactnet.regions.models import Target
from impactnet.stats.models import GrowthSnapshot, Projection


@dataclass(frozen=True)
class Figure:
    """One figure against its target: how many, how many wanted, and how many short."""

    now: int
    wanted: int

    @property
    def reached(self) -> bool:
        return self.now >= self.wanted

    @property
    def short(self) -> int:
        return max(0, self.wanted - self.now)

    @property
    def percent(self) -> int:
        """The true share, above 100 when the target was passed (the bar itself stops at full)."""
        return round(100 * self.now / self.wanted) if self.wanted else 100


@dataclass(frozen=True)
class TargetResult:
    """A target year's outcome: ``finished`` years are final; otherwise the figures are "so far"
    (``as_of``) and ``projection`` says where the pace leads. ``as_of`` None: no figures yet."""

    year: int
    finished: bool
    as_of: date | None
    partners: Figure | None
    labelled: Figure | None
    projection: Projection | None

    @property
    def reached(self) -> bool | None:
        if self.partners is None or self.labelled is None:
            return None
        return self.partners.reached and self.labelled.reached

    @property
    def value(self) -> tuple:
        """Everything the result holds, by value (the projection's every column): what a kept
        rendering of it is keyed by (impactnet.core.fragments)."""
        projection = self.projection
        columns = (
            None
            if projection is None
            else tuple(getattr(projection, column.key) for column in Projection.__table__.columns)
        )
        return self.year, self.finished, self.as_of, self.partners, self.labelled, columns


def results_html(results: list[TargetResult], level: int | None = None) -> Markup:
    """``templates/regions/_results.html`` for these results, rendered once per value (a template global)."""
    return kept_fragment(
        "regions/_results.html", (level, tuple(result.value for result in results)), results=results, level=level
    )


def year_end_snapshots(scope_keys: list[int], years: set[int], today: date) -> dict[tuple[int, int], GrowthSnapshot]:
    """Per (scope, year) of ``years`` that has ended before ``today``: the year's last snapshot
    (one query; empty when there are no finished years)."""
    finished = sorted(year for year in years if date(year, 12, 31) < today)
    if not finished or not scope_keys:
        return {}
    snapshot = GrowthSnapshot
    year = sa.extract("year", snapshot.day)
    in_years = sa.and_(snapshot.scope_key.in_(scope_keys), year.in_(finished))
    last_days = (
        sa.select(snapshot.scope_key, sa.func.max(snapshot.day).label("day"))
        .where(in_years)
        .group_by(snapshot.scope_key, year)
        .subquery()
    )
    rows = db.session.scalars(
        sa.select(snapshot).join(
            last_days, sa.and_(snapshot.scope_key == last_days.c.scope_key, snapshot.day == last_days.c.day)
        )
    )
    return {(row.scope_key, row.day.year): row for row in rows}


def target_results(
    targets: list[tuple[Target, Projection | None]],
    latest: GrowthSnapshot | None,
    year_ends: dict[int, GrowthSnapshot],
    today: date,
) -> list[TargetResult]:
    """Every target, oldest year first, with its result: a finished year's from ``year_ends``
    (year -> that year's last snapshot), the others from ``latest``."""
    results = []
    for target, projection in targets:
        finished = date(target.year, 12, 31) < today
        figures = year_ends.get(target.year) if finished else latest
        results.append(
            TargetResult(
                year=target.year,
                finished=finished,
                as_of=figures.day if figures else None,
                partners=Figure(figures.partners, target.partners_wanted) if figures else None,
                labelled=Figure(figures.labelled, target.labelled_wanted) if figures else None,
                projection=None if finished else projection,
            )
        )
    return results
