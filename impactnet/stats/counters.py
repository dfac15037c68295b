"""The dashboards' counters per municipality, stored by the snapshot job.

The funnel (how many organisations stand at each step of the journey, and the median days they
have been there) and the breakdowns by sector and size class need every organisation of a
municipality. The snapshot job computes them for all municipalities at once (two GROUP BY
queries) and stores a few rows per municipality and day, so the dashboards read those rows
instead of scanning the organisations on every request.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

import sqlalchemy as sa

from impactnet.database import utcnow
from impactnet.extensions import db
from impactnet.journey.models import JourneyStep, StepProgress, StepState
from impactnet.organisations.models import Organisation
from impactnet.organisations.models import OrganisationStatus as Status
from impactnet.regions.models import Municipality
from impactnet.stats.definitions import PARTS, shown_part
from impactnet.stats.figures import upsert
from impactnet.stats.models import BreakdownSnapshot, FunnelSnapshot

# Organisations still on their way to the label: they stand at a step of the journey.
ON_THE_WAY = (Status.APPLICANT, Status.PARTNER, Status.WORKING_TOWARD_LABEL)
BREAKDOWN_DIMENSIONS = ("sector", "size_class")
MASK_STEPS = 62  # steps a funnel bit mask holds (a signed 64-bit integer, and room for its + 1)


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


def funnel_rows(day: date) -> list[dict]:
    """Per municipality and step: the organisations on their way to the label whose first step
    not yet approved it is, and the median whole days since they got there (their last approval,
    else their registration) as of ``day``. Every municipality gets a row for every step.

    One pass over the approvals gives each organisation a bit mask of its approved steps (bit i: the
    i-th step in journey order) and its last approval; the lowest bit not set, ``(m + 1) & ~m``, is
    its current step. One query, its rows bounded by municipalities x steps x distinct days, with no
    organisations x steps product."""
    org = Organisation
    steps = list(db.session.scalars(sa.select(JourneyStep.id).order_by(JourneyStep.position, JourneyStep.id)))
    if not steps:
        return []
    if len(steps) > MASK_STEPS:  # more steps than a 64-bit mask holds: the plain query
        return _funnel_rows_by_product(day)
    bit = {step_id: 1 << rank for rank, step_id in enumerate(steps)}
    step_of_bit = {value: step_id for step_id, value in bit.items()}
    approved = (sa.select(StepProgress.organisation_id,
                          sa.cast(sa.func.sum(sa.case(bit, value=StepProgress.step_id, else_=0)), sa.BigInteger)
                          .label("mask"),
                          sa.func.max(StepProgress.state_changed_at).label("at"))
                .where(StepProgress.state == StepState.APPROVED)
                .group_by(StepProgress.organisation_id).subquery())
    mask = sa.func.coalesce(approved.c.mask, 0)
    first_missing = (mask + 1).op("&")(-mask - 1)  # -m - 1 is ~m in two's complement
    since = _day_of(sa.func.coalesce(approved.c.at, org.created_at))
    rows = db.session.execute(
        sa.select(org.municipality_id, first_missing, since, sa.func.count())
        .select_from(org).outerjoin(approved, approved.c.organisation_id == org.id)
        .where(org.status.in_(ON_THE_WAY))
        .group_by(org.municipality_id, first_missing, since))
    days: dict[tuple[int, int], Counter] = defaultdict(Counter)
    for municipality_id, missing, since_day, n in rows:
        if (step_id := step_of_bit.get(int(missing))) is None:
            continue  # every step approved: not on the way at any step
        since_day = since_day if isinstance(since_day, date) else date.fromisoformat(since_day)
        days[municipality_id, step_id][max(0, (day - since_day).days)] += n
    return _funnel_result(day, days, steps)


def _funnel_result(day: date, days: dict[tuple[int, int], Counter], step_ids: list[int]) -> list[dict]:
    municipalities = list(db.session.scalars(sa.select(Municipality.id)))
    return [{"municipality_id": municipality_id, "day": day, "step_id": step_id,
             "organisations": sum(days[municipality_id, step_id].values()),
             "median_days": median_from_counts(days[municipality_id, step_id])}
            for municipality_id in municipalities for step_id in step_ids]


def _funnel_rows_by_product(day: date) -> list[dict]:
    """:func:`funnel_rows` for a journey of more than MASK_STEPS steps: organisations x steps."""
    org, step = Organisation, JourneyStep
    approved = sa.exists().where(StepProgress.organisation_id == org.id, StepProgress.step_id == step.id,
                                 StepProgress.state == StepState.APPROVED)
    current = (sa.select(org.id.label("organisation_id"), sa.func.min(step.position).label("position"))
               .select_from(org).join(step, sa.true())
               .where(org.status.in_(ON_THE_WAY), ~approved)
               .group_by(org.id).subquery())
    arrived = (sa.select(StepProgress.organisation_id, sa.func.max(StepProgress.state_changed_at).label("at"))
               .where(StepProgress.state == StepState.APPROVED).group_by(StepProgress.organisation_id).subquery())
    since = _day_of(sa.func.coalesce(arrived.c.at, org.created_at))
    rows = db.session.execute(
        sa.select(org.municipality_id, step.id, since, sa.func.count())
        .select_from(current)
        .join(step, step.position == current.c.position)
        .join(org, org.id == current.c.organisation_id)
        .outerjoin(arrived, arrived.c.organisation_id == current.c.organisation_id)
        .group_by(org.municipality_id, step.id, since))
    days: dict[tuple[int, int], Counter] = defaultdict(Counter)
    for municipality_id, step_id, since_day, n in rows:
        since_day = since_day if isinstance(since_day, date) else date.fromisoformat(since_day)
        days[municipality_id, step_id][max(0, (day - since_day).days)] += n
    return _funnel_result(day, days, list(db.session.scalars(sa.select(step.id))))


def part_rows(day: date) -> list[tuple[int, str, str, str | None, int]]:
    """Per municipality, sector, size class and part (:func:`impactnet.stats.definitions.shown_part`):
    how many organisations count in it on ``day``. One GROUP BY, at most municipalities x sectors x
    size classes x parts rows; the snapshot job sums it to the day's figures and the breakdowns, so
    the organisations are scanned once for both."""
    part = shown_part(day).label("part")
    return db.session.execute(
        sa.select(Organisation.municipality_id, Organisation.sector, Organisation.size_class, part, sa.func.count())
        .group_by(Organisation.municipality_id, Organisation.sector, Organisation.size_class, part)).all()


def breakdown_rows(day: date, parts: list[tuple]) -> list[dict]:
    """Per municipality, sector and size class: partners and labelled organisations on ``day`` as
    :mod:`impactnet.stats.definitions` counts them, from ``day``'s :func:`part_rows`. Only the keys
    that occur."""
    totals: dict[tuple[int, str, str], Counter] = defaultdict(Counter)
    for municipality_id, sector, size_class, part_name, n in parts:
        if part_name not in PARTS:
            continue  # not a partner: applicants and withdrawn organisations
        for dimension, key in (("sector", sector), ("size_class", size_class)):
            totals[municipality_id, dimension, key or ""]["partners"] += n
            totals[municipality_id, dimension, key or ""]["labelled"] += n if part_name == "labelled" else 0
    return [{"municipality_id": municipality_id, "day": day, "dimension": dimension, "key": key,
             "partners": counts["partners"], "labelled": counts["labelled"]}
            for (municipality_id, dimension, key), counts in totals.items()]


def take_dashboard_counters(day: date, parts: list[tuple] | None = None) -> None:
    """Store the funnel and the breakdowns of ``day`` for every municipality (replacing a
    previous run's rows of that day, including keys that no longer occur); ``parts`` is
    :func:`part_rows` of ``day`` where the caller read it already."""
    now = utcnow()
    parts = part_rows(day) if parts is None else parts
    for model, rows, key in ((FunnelSnapshot, funnel_rows(day), ("municipality_id", "day", "step_id")),
                             (BreakdownSnapshot, breakdown_rows(day, parts),
                              ("municipality_id", "day", "dimension", "key"))):
        db.session.execute(sa.delete(model).where(model.day == day))
        upsert(model.__table__, rows, key, computed_at=now)
