"""The figures of the region overview and the municipality dashboards.

Aggregates only: no query here selects a name, an address or an e-mail. Everything comes from
what the snapshot job stores (:mod:`impactnet.stats`): the growth snapshots (with the new
partners and labels per period), the projections, and the funnel and breakdown counters. No
query reads the organisations, so each page sends the same few statements whatever the size
of the network.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from impactnet.core.locale import localized
from impactnet.extensions import db
from impactnet.journey.models import JourneyStep
from impactnet.organisations.choices import SECTORS, SIZE_CLASSES
from impactnet.organisations.models import Organisation
from impactnet.regions.models import Municipality, Target
from impactnet.regions.services import list_municipalities
from impactnet.stats.definitions import COUNTS
from impactnet.stats.figures import NEW_FIGURES, PERIODS
from impactnet.stats.models import REGION, BreakdownSnapshot, FunnelSnapshot, GrowthSnapshot, Projection
from impactnet.stats.results import Figure, TargetResult, target_results, year_end_snapshots
from impactnet.stats.services import latest_snapshots, targets_with_projections

SMALLEST_SHOWN = 5  # a breakdown cell with fewer organisations is shown as "< 5"


def suppressed(n: int) -> str:
    """A breakdown cell as shown: small numbers could point at one organisation."""
    return "< 5" if n < SMALLEST_SHOWN else str(n)


@dataclass(frozen=True)
class OverviewRow:
    name: str
    slug: str | None
    partners: int  # = labelled + working_toward_label + label_expired + label_revoked
    labelled: int
    working_toward_label: int
    label_expired: int
    label_revoked: int
    partners_progress: Figure | None  # None: no target for the current year
    labelled_progress: Figure | None
    results: tuple[TargetResult, ...] = ()  # every target year of the municipality, oldest first


def _row(name, slug, snapshot: GrowthSnapshot | None, target: Target | None, results=()) -> OverviewRow:
    counts = {name: getattr(snapshot, name) if snapshot else 0 for name in COUNTS if name != "applicants"}
    partners, labelled = counts["partners"], counts["labelled"]
    return OverviewRow(
        name=name,
        slug=slug,
        **counts,
        partners_progress=Figure(partners, target.partners_wanted) if target else None,
        labelled_progress=Figure(labelled, target.labelled_wanted) if target else None,
        results=tuple(results),
    )


def _current_target(targets: list[tuple[Target, Projection | None]], year: int):
    return next(((t, p) for t, p in targets if t.year == year), (None, None))


def _open_target(targets: list[tuple[Target, Projection | None]], year: int):
    """The target of ``year``, else the first later one: the one still to be reached."""
    return next(((t, p) for t, p in targets if t.year >= year), (None, None))


def region_overview(today: date) -> tuple[list[OverviewRow], OverviewRow, datetime | None]:
    """One row per active municipality and one for the region, from the latest snapshots,
    with progress toward this year's targets and every target year's result; and when the
    figures were computed. Four queries."""
    year = today.year
    snapshots = latest_snapshots()
    municipalities = list_municipalities(active_only=True)
    targets = targets_with_projections()
    ends = year_end_snapshots(
        [m.id for m in municipalities], {t.year for pairs in targets.values() for t, _p in pairs}, today
    )
    rows = [
        _row(
            m.name,
            m.slug,
            snapshots.get(m.id),
            _current_target(targets.get(m.id, []), year)[0],
            target_results(
                targets.get(m.id, []), snapshots.get(m.id), {y: s for (key, y), s in ends.items() if key == m.id}, today
            ),
        )
        for m in municipalities
    ]
    current = [_current_target(targets.get(m.id, []), year)[0] for m in municipalities]
    current = [t for t in current if t is not None]
    # The region's target is the sum of the municipalities' targets for the year.
    region_target = (
        Target(
            year=year,
            partners_wanted=sum(t.partners_wanted for t in current),
            labelled_wanted=sum(t.labelled_wanted for t in current),
        )
        if current
        else None
    )
    region = _row(str(_l("Regio Drechtsteden")), None, snapshots.get(REGION), region_target)
    as_of = snapshots[REGION].computed_at if REGION in snapshots else None
    return rows, region, as_of


@dataclass(frozen=True)
class FunnelStep:
    position: int
    title: str
    organisations: int
    median_days: float | None

    @property
    def shown_median_days(self) -> float | None:
        """The median as shown and delivered: none for fewer than SMALLEST_SHOWN organisations, whose
        count is shown as "< 5" (a median of so few would point at them)."""
        return self.median_days if self.organisations >= SMALLEST_SHOWN else None


def funnel(municipality_id: int, day: date | None) -> list[FunnelStep]:
    """Every step with the organisations standing at it on ``day`` (the day of the latest
    snapshot; None: none yet, so zeros), as stored by the snapshot job (one query)."""
    return _stored_funnel(municipality_id, day)[0]


def _stored_funnel(municipality_id: int, day: date | None) -> tuple[list[FunnelStep], bool]:
    """The funnel, and whether the counters of ``day`` are stored at all (one query)."""
    stored = sa.and_(
        FunnelSnapshot.step_id == JourneyStep.id,
        FunnelSnapshot.municipality_id == municipality_id,
        FunnelSnapshot.day == day,
    )
    rows = list(
        db.session.execute(
            sa.select(JourneyStep, FunnelSnapshot.id, FunnelSnapshot.organisations, FunnelSnapshot.median_days)
            .outerjoin(FunnelSnapshot, stored)
            .order_by(JourneyStep.position)
        )
    )
    steps = [
        FunnelStep(step.position, localized(step, "title"), organisations or 0, median_days)
        for step, _id, organisations, median_days in rows
    ]
    # Without steps there is no funnel to store: nothing is missing then.
    return steps, not rows or any(stored_id is not None for _step, stored_id, _n, _days in rows)


@dataclass(frozen=True)
class Breakdown:
    label: str
    partners: int
    labelled: int


def breakdowns(municipality_id: int, day: date | None) -> tuple[list[Breakdown], list[Breakdown]]:
    """Partners and labelled organisations per sector and per size class on ``day``, as stored by
    the snapshot job (one query); every sector and size class, with zeros where none."""
    return _stored_breakdowns(municipality_id, day)[:2]


def _stored_breakdowns(municipality_id: int, day: date | None) -> tuple[list[Breakdown], list[Breakdown], bool]:
    """The breakdowns, and whether any row of ``day`` is stored (one query)."""
    stored = {
        (dimension, key): (partners, labelled)
        for dimension, key, partners, labelled in db.session.execute(
            sa.select(
                BreakdownSnapshot.dimension,
                BreakdownSnapshot.key,
                BreakdownSnapshot.partners,
                BreakdownSnapshot.labelled,
            ).where(BreakdownSnapshot.municipality_id == municipality_id, BreakdownSnapshot.day == day)
        )
    }

    def rows(dimension, choices):
        return [Breakdown(str(label), *stored.get((dimension, key), (0, 0))) for key, label in choices]

    return rows("sector", SECTORS), rows("size_class", SIZE_CLASSES), bool(stored)


@dataclass(frozen=True)
class NewCounts:
    partners: int
    labels: int


def new_this_period(snapshot: GrowthSnapshot | None) -> dict[str, NewCounts]:
    """New partners and new labels this month, quarter and year, from the latest snapshot."""

    def count(what, period):
        return getattr(snapshot, NEW_FIGURES[what, period]) if snapshot else 0

    return {period: NewCounts(count("partners", period), count("labels", period)) for period in PERIODS}


def current_target(municipality_id: int, year: int) -> tuple[Target | None, Projection | None]:
    """The municipality's target for ``year`` (else its first later one) and its latest
    projection (one query)."""
    return _open_target(targets_with_projections(municipality_id).get(municipality_id, []), year)


def all_targets(municipality_id: int) -> list[tuple[Target, Projection | None]]:
    """Every target of the municipality with its latest projection, oldest year first (one query)."""
    return targets_with_projections(municipality_id).get(municipality_id, [])


@dataclass(frozen=True)
class Dashboard:
    municipality: Municipality
    snapshot: GrowthSnapshot | None
    region: GrowthSnapshot | None
    targets: list[tuple[Target, Projection | None]]
    target: Target | None  # the one still open: the current year's, else the next one
    projection: Projection | None
    funnel: list[FunnelStep]
    sectors: list[Breakdown]
    sizes: list[Breakdown]
    new: dict[str, NewCounts]
    results: list[TargetResult]  # every target year, oldest first
    counters_stored: bool  # False: the snapshot's funnel and breakdowns were never computed

    @property
    def open_result(self) -> TargetResult | None:
        return next((result for result in self.results if self.target and result.year == self.target.year), None)

    @property
    def finished_results(self) -> list[TargetResult]:
        return [result for result in self.results if result.finished]

    @property
    def partners_progress(self) -> Figure | None:
        if self.target is None:
            return None
        return Figure(self.snapshot.partners if self.snapshot else 0, self.target.partners_wanted)

    @property
    def labelled_progress(self) -> Figure | None:
        if self.target is None:
            return None
        return Figure(self.snapshot.labelled if self.snapshot else 0, self.target.labelled_wanted)


def municipality_dashboard(municipality: Municipality, today: date) -> Dashboard:
    """Everything the municipality dashboard shows except the monthly series, from the stored
    snapshots and counters (five queries, whatever the number of organisations)."""
    snapshots = latest_snapshots()
    snapshot = snapshots.get(municipality.id)
    day = snapshot.day if snapshot else None
    targets = targets_with_projections(municipality.id).get(municipality.id, [])
    target, projection = _open_target(targets, today.year)
    sectors, sizes, breakdowns_stored = _stored_breakdowns(municipality.id, day)
    steps, funnel_stored = _stored_funnel(municipality.id, day)
    # Breakdown rows exist only for sectors with partners: none stored is right when there are none.
    counters_stored = funnel_stored and (breakdowns_stored or not (snapshot and snapshot.partners))
    ends = year_end_snapshots([municipality.id], {t.year for t, _p in targets}, today)
    results = target_results(targets, snapshot, {year: s for (_key, year), s in ends.items()}, today)
    return Dashboard(
        municipality=municipality,
        snapshot=snapshot,
        region=snapshots.get(REGION),
        targets=targets,
        target=target,
        projection=projection,
        funnel=steps,
        sectors=sectors,
        sizes=sizes,
        new=new_this_period(snapshot),
        results=results,
        counters_stored=counters_stored,
    )


def counters_missing(board: Dashboard) -> bool:
    """Whether the dashboard would show figures that were never computed: a snapshot without its
    funnel and breakdowns (a backfilled day), or no snapshot while the municipality has
    organisations (the snapshot job has not run yet). One query in the second case only."""
    if board.snapshot is not None:
        return not board.counters_stored
    return db.session.scalar(sa.select(sa.exists().where(Organisation.municipality_id == board.municipality.id)))


def figures_never_computed() -> bool:
    """No snapshot at all, yet organisations exist: the snapshot job has not run (one query)."""
    return db.session.scalar(sa.select(sa.exists().where(Organisation.id.isnot(None))))
