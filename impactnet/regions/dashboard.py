"""The figures of the region overview and the municipality dashboards.

Aggregates only: no query here selects a name, an address or an e-mail. The growth figures
come from the precomputed snapshots and projections (:mod:`impactnet.stats`); the funnel,
the breakdowns and the new partners and labels are GROUP BY queries whose results are
bounded by the number of steps, sectors, size classes and days, never by the number of
organisations. Each page therefore sends the same few statements whatever the data size.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l

from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.extensions import db
from impactnet.journey.models import JourneyStep, StepProgress, StepState
from impactnet.organisations.choices import SECTORS, SIZE_CLASSES
from impactnet.organisations.models import Organisation
from impactnet.organisations.models import OrganisationStatus as Status
from impactnet.regions.models import Municipality, Target
from impactnet.regions.services import PARTNER_STATUSES
from impactnet.stats.figures import PARTNER_VALUES, day_start
from impactnet.stats.models import REGION, GrowthSnapshot, Projection
from impactnet.stats.services import latest_snapshots, targets_with_projections

SMALLEST_SHOWN = 5  # a breakdown cell with fewer organisations is shown as "< 5"
# Organisations still on their way to the label: they stand at a step of the journey.
ON_THE_WAY = (Status.APPLICANT, Status.PARTNER, Status.WORKING_TOWARD_LABEL)


def suppressed(n: int) -> str:
    """A breakdown cell as shown: small numbers could point at one organisation."""
    return "< 5" if n < SMALLEST_SHOWN else str(n)


@dataclass(frozen=True)
class Progress:
    """Where a figure stands against a target."""

    now: int
    wanted: int

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.now / self.wanted)) if self.wanted else 100


@dataclass(frozen=True)
class OverviewRow:
    name: str
    slug: str | None
    partners: int
    labelled: int
    working_toward_label: int
    partners_progress: Progress | None  # None: no target for the current year
    labelled_progress: Progress | None


def _row(name, slug, snapshot: GrowthSnapshot | None, target: Target | None) -> OverviewRow:
    partners, labelled = (snapshot.partners, snapshot.labelled) if snapshot else (0, 0)
    return OverviewRow(
        name=name, slug=slug, partners=partners, labelled=labelled,
        working_toward_label=snapshot.working_toward_label if snapshot else 0,
        partners_progress=Progress(partners, target.partners_wanted) if target else None,
        labelled_progress=Progress(labelled, target.labelled_wanted) if target else None,
    )


def _current_target(targets: list[tuple[Target, Projection | None]], year: int):
    return next(((t, p) for t, p in targets if t.year == year), (None, None))


def region_overview(year: int) -> tuple[list[OverviewRow], OverviewRow, date | None]:
    """One row per active municipality and one for the region, from the latest snapshots,
    with progress toward ``year``'s targets; and the day of the figures. Three queries."""
    snapshots = latest_snapshots()
    municipalities = list(db.session.scalars(
        sa.select(Municipality).where(Municipality.active.is_(True))
        .order_by(Municipality.joined_on, Municipality.name)))
    targets = targets_with_projections()
    rows = [_row(m.name, m.slug, snapshots.get(m.id), _current_target(targets.get(m.id, []), year)[0])
            for m in municipalities]
    current = [_current_target(targets.get(m.id, []), year)[0] for m in municipalities]
    current = [t for t in current if t is not None]
    # The region's target is the sum of the municipalities' targets for the year.
    region_target = Target(year=year, partners_wanted=sum(t.partners_wanted for t in current),
                           labelled_wanted=sum(t.labelled_wanted for t in current)) if current else None
    region = _row(str(_l("Regio Drechtsteden")), None, snapshots.get(REGION), region_target)
    as_of = snapshots[REGION].day if REGION in snapshots else None
    return rows, region, as_of


@dataclass(frozen=True)
class FunnelStep:
    position: int
    title: str
    organisations: int
    median_days: float | None


def median_from_counts(counts: dict[int, int]) -> float | None:
    """The median of values given as {value: how often}."""
    total = sum(counts.values())
    if not total:
        return None
    middle, seen, lower = (total - 1) // 2, 0, None
    for value in sorted(counts):
        seen += counts[value]
        if lower is None and seen > middle:
            lower = value
        if seen > total // 2:
            return (lower + value) / 2
    return None  # pragma: no cover - the loop always reaches the middle


def _day_of(column):
    """The calendar day of a timestamp, in SQL (grouping by day keeps the rows bounded)."""
    if db.session.get_bind().dialect.name == "sqlite":
        return sa.func.date(column)
    return sa.cast(column, sa.Date)


def funnel(municipality_id: int, today: date) -> list[FunnelStep]:
    """How many organisations on their way to the label stand at each step (the first step not
    yet approved) and the median days since they got there (the last approval, else their
    registration). One query, its rows bounded by steps x distinct days."""
    org, step = Organisation, JourneyStep
    approved = sa.exists().where(StepProgress.organisation_id == org.id, StepProgress.step_id == step.id,
                                 StepProgress.state == StepState.APPROVED)
    current = (sa.select(org.id.label("organisation_id"), sa.func.min(step.position).label("position"))
               .select_from(org).join(step, sa.true())
               .where(org.municipality_id == municipality_id, org.status.in_(ON_THE_WAY), ~approved)
               .group_by(org.id).subquery())
    arrived = (sa.select(StepProgress.organisation_id, sa.func.max(StepProgress.state_changed_at).label("at"))
               .where(StepProgress.state == StepState.APPROVED).group_by(StepProgress.organisation_id).subquery())
    since = _day_of(sa.func.coalesce(arrived.c.at, org.created_at))
    rows = db.session.execute(
        sa.select(step.position, step.title, since, sa.func.count(current.c.organisation_id))
        .select_from(step)
        .outerjoin(current, current.c.position == step.position)
        .outerjoin(org, org.id == current.c.organisation_id)
        .outerjoin(arrived, arrived.c.organisation_id == current.c.organisation_id)
        .group_by(step.position, step.title, since).order_by(step.position))
    titles: dict[int, str] = {}
    days: dict[int, Counter] = defaultdict(Counter)
    for position, title, day, n in rows:
        titles[position] = title
        if n:
            day = day if isinstance(day, date) else date.fromisoformat(day)
            days[position][max(0, (today - day).days)] += n
    return [FunnelStep(position, title, sum(days[position].values()), median_from_counts(days[position]))
            for position, title in titles.items()]


@dataclass(frozen=True)
class Breakdown:
    label: str
    partners: int
    labelled: int


def breakdowns(municipality_id: int) -> tuple[list[Breakdown], list[Breakdown]]:
    """Partners and labelled organisations per sector and per size class (one GROUP BY, at most
    sectors x size classes x statuses rows)."""
    by_sector: dict[str, Counter] = defaultdict(Counter)
    by_size: dict[str, Counter] = defaultdict(Counter)
    for sector, size_class, status, n in db.session.execute(
            sa.select(Organisation.sector, Organisation.size_class, Organisation.status, sa.func.count())
            .where(Organisation.municipality_id == municipality_id, Organisation.status.in_(PARTNER_STATUSES))
            .group_by(Organisation.sector, Organisation.size_class, Organisation.status)):
        for totals, key in ((by_sector, sector), (by_size, size_class)):
            totals[key]["partners"] += n
            totals[key]["labelled"] += n if status is Status.LABELLED else 0
    return ([Breakdown(str(label), by_sector[key]["partners"], by_sector[key]["labelled"]) for key, label in SECTORS],
            [Breakdown(str(label), by_size[key]["partners"], by_size[key]["labelled"]) for key, label in SIZE_CLASSES])


@dataclass(frozen=True)
class NewCounts:
    partners: int
    labels: int


def period_starts(today: date) -> dict[str, date]:
    month = today.replace(day=1)
    return {"month": month, "quarter": month - relativedelta(months=(month.month - 1) % 3),
            "year": today.replace(month=1, day=1)}


def new_this_period(municipality_id: int, today: date) -> dict[str, NewCounts]:
    """New partners and new labels this month, quarter and year, counted from the audit trail's
    status changes of this year (one query returning one row)."""
    starts = {name: day_start(day) for name, day in period_starts(today).items()}
    before, after = AuditEvent.before["status"].as_string(), AuditEvent.after["status"].as_string()
    became_partner = sa.and_(before.not_in(PARTNER_VALUES), after.in_(PARTNER_VALUES))
    became_labelled = sa.and_(after == Status.LABELLED.value, before != Status.LABELLED.value)

    def counted(condition, since: datetime):
        return sa.func.count(sa.distinct(sa.case((sa.and_(condition, AuditEvent.occurred_at >= since),
                                                  AuditEvent.organisation_id))))

    columns = [counted(c, starts[name]) for name in starts for c in (became_partner, became_labelled)]
    row = db.session.execute(
        sa.select(*columns).select_from(AuditEvent).join(Organisation, Organisation.id == AuditEvent.organisation_id)
        .where(AuditEvent.action == AuditAction.ORGANISATION_STATUS_CHANGED,
               AuditEvent.occurred_at >= starts["year"], Organisation.municipality_id == municipality_id)).one()
    return {name: NewCounts(row[2 * i], row[2 * i + 1]) for i, name in enumerate(starts)}


def current_target(municipality_id: int, year: int) -> tuple[Target | None, Projection | None]:
    """The municipality's target for ``year`` and its latest projection (one query)."""
    return _current_target(targets_with_projections(municipality_id).get(municipality_id, []), year)


@dataclass(frozen=True)
class Dashboard:
    municipality: Municipality
    snapshot: GrowthSnapshot | None
    region: GrowthSnapshot | None
    targets: list[tuple[Target, Projection | None]]
    target: Target | None  # the current year's
    projection: Projection | None
    funnel: list[FunnelStep]
    sectors: list[Breakdown]
    sizes: list[Breakdown]
    new: dict[str, NewCounts]

    @property
    def partners_progress(self) -> Progress | None:
        if self.target is None:
            return None
        return Progress(self.snapshot.partners if self.snapshot else 0, self.target.partners_wanted)

    @property
    def labelled_progress(self) -> Progress | None:
        if self.target is None:
            return None
        return Progress(self.snapshot.labelled if self.snapshot else 0, self.target.labelled_wanted)


def municipality_dashboard(municipality: Municipality, today: date) -> Dashboard:
    """Everything the municipality dashboard shows except the monthly series (five queries)."""
    snapshots = latest_snapshots()
    targets = targets_with_projections(municipality.id).get(municipality.id, [])
    target, projection = _current_target(targets, today.year)
    sectors, sizes = breakdowns(municipality.id)
    return Dashboard(municipality=municipality, snapshot=snapshots.get(municipality.id),
                     region=snapshots.get(REGION), targets=targets, target=target, projection=projection,
                     funnel=funnel(municipality.id, today), sectors=sectors, sizes=sizes,
                     new=new_this_period(municipality.id, today))
