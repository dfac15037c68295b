"""The dashboards' counters per municipality, stored by the snapshot job.

The funnel (how many organisations stand at each step of the journey, and the median days they
have been there) and the breakdowns by sector and size class need every organisation of a
municipality. The snapshot job computes them for all municipalities at once (two statements
over the organisations alone, their milestones kept on their rows by
:mod:`impactnet.stats.milestones`) and stores a few rows per municipality and day, so the
dashboards read those rows instead of scanning the organisations on every request.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

import sqlalchemy as sa

from impactnet.database import utcnow
from impactnet.extensions import db
from impactnet.journey.models import JourneyStep
from impactnet.organisations.models import Organisation
from impactnet.organisations.models import OrganisationStatus as Status
from impactnet.regions.models import Municipality
from impactnet.stats.definitions import PARTS, shown_part
from impactnet.stats.figures import NEW_FIGURES, day_start, period_starts, upsert
from impactnet.stats.models import BreakdownSnapshot, FunnelSnapshot

# Organisations still on their way to the label: they stand at a step of the journey.
ON_THE_WAY = (Status.APPLICANT, Status.PARTNER, Status.WORKING_TOWARD_LABEL)
BREAKDOWN_DIMENSIONS = ("sector", "size_class")


def funnel_rows(day: date) -> list[dict]:
    """Per municipality and step: the organisations on their way to the label whose first step
    not yet approved it is, and the median whole days since they got there (their last approval,
    else their registration) as of ``day``. Every municipality gets a row for every step.

    One statement over the organisations' milestone columns (:mod:`impactnet.stats.milestones`): they
    are grouped by municipality, step and day (``g``); a running count per step in order of days
    since (the latest day first) finds the day of the middle organisation, or the two middle ones,
    so only a row per municipality and step comes back (at 100,000 organisations, returning the
    18,000 grouped rows and taking the median in Python cost more than the query)."""
    org = Organisation
    g = (
        sa.select(
            org.municipality_id,
            org.journey_step_id.label("step_id"),
            org.journey_step_since.label("since"),
            sa.func.count().label("n"),
        )
        .where(org.status.in_(ON_THE_WAY), org.journey_step_id.is_not(None))
        .group_by(org.municipality_id, org.journey_step_id, org.journey_step_since)
        .subquery("g")
    )
    per_step = (g.c.municipality_id, g.c.step_id)
    ranked = sa.select(
        *per_step,
        g.c.since,
        sa.cast(
            sa.func.sum(g.c.n).over(partition_by=per_step, order_by=g.c.since.desc(), rows=(None, 0)), sa.Integer
        ).label("through"),  # organisations there since this day or later
        sa.cast(sa.func.sum(g.c.n).over(partition_by=per_step), sa.Integer).label("total"),
    ).subquery("ranked")

    def day_at(rank):  # the day of the organisation at this 0-based rank, by days since ascending
        return sa.type_coerce(sa.func.max(sa.case((ranked.c.through > rank, ranked.c.since))), sa.Date)

    found = {
        (m, s): (total, lower, upper)
        for m, s, total, lower, upper in db.session.execute(
            sa.select(
                ranked.c.municipality_id,
                ranked.c.step_id,
                ranked.c.total,
                day_at((ranked.c.total - 1) // 2),
                day_at(ranked.c.total // 2),
            ).group_by(ranked.c.municipality_id, ranked.c.step_id, ranked.c.total)
        )
    }
    steps = list(db.session.scalars(sa.select(JourneyStep.id).order_by(JourneyStep.position, JourneyStep.id)))
    rows = []
    for municipality_id in db.session.scalars(sa.select(Municipality.id)):
        for step_id in steps:
            total, lower, upper = found.get((municipality_id, step_id), (0, None, None))
            median = None if not total else (max(0, (day - lower).days) + max(0, (day - upper).days)) / 2
            rows.append(
                {
                    "municipality_id": municipality_id,
                    "day": day,
                    "step_id": step_id,
                    "organisations": total,
                    "median_days": median,
                }
            )
    return rows


def part_rows(day: date) -> list[sa.Row]:
    """Per municipality, sector, size class and part (:func:`impactnet.stats.definitions.shown_part`):
    how many organisations count in it on ``day`` (``organisations``), and how many of them became
    partner or got the label since the start of ``day``'s month, quarter and year (a column per
    :data:`impactnet.stats.figures.NEW_FIGURES` name, from the milestone columns). One GROUP BY, at
    most municipalities x sectors x size classes x parts rows; the snapshot job sums it to the day's
    figures and the breakdowns, so the organisations are scanned once for both."""
    org, part = Organisation, shown_part(day).label("part")
    moment = {"partners": org.became_partner_at, "labels": org.got_label_at}
    starts = {period: day_start(start) for period, start in period_starts(day).items()}
    new = [
        sa.func.count(sa.case((moment[what] >= starts[period], 1))).label(column)
        for (what, period), column in NEW_FIGURES.items()
    ]
    return db.session.execute(
        sa.select(
            org.municipality_id, org.sector, org.size_class, part, sa.func.count().label("organisations"), *new
        ).group_by(org.municipality_id, org.sector, org.size_class, part)
    ).all()


def breakdown_rows(day: date, parts: list[sa.Row]) -> list[dict]:
    """Per municipality, sector and size class: partners and labelled organisations on ``day`` as
    :mod:`impactnet.stats.definitions` counts them, from ``day``'s :func:`part_rows`. Only the keys
    that occur."""
    totals: dict[tuple[int, str, str], Counter] = defaultdict(Counter)
    for row in parts:
        if row.part not in PARTS:
            continue  # not a partner: applicants and withdrawn organisations
        for dimension, key in (("sector", row.sector), ("size_class", row.size_class)):
            totals[row.municipality_id, dimension, key or ""]["partners"] += row.organisations
            totals[row.municipality_id, dimension, key or ""]["labelled"] += (
                row.organisations if row.part == "labelled" else 0
            )
    return [
        {
            "municipality_id": municipality_id,
            "day": day,
            "dimension": dimension,
            "key": key,
            "partners": counts["partners"],
            "labelled": counts["labelled"],
        }
        for (municipality_id, dimension, key), counts in totals.items()
    ]


def take_dashboard_counters(day: date, parts: list[sa.Row] | None = None) -> None:
    """Store the funnel and the breakdowns of ``day`` for every municipality (replacing a
    previous run's rows of that day, including keys that no longer occur); ``parts`` is
    :func:`part_rows` of ``day`` where the caller read it already."""
    now = utcnow()
    parts = part_rows(day) if parts is None else parts
    for model, rows, key in (
        (FunnelSnapshot, funnel_rows(day), ("municipality_id", "day", "step_id")),
        (BreakdownSnapshot, breakdown_rows(day, parts), ("municipality_id", "day", "dimension", "key")),
    ):
        db.session.execute(sa.delete(model).where(model.day == day))
        upsert(model.__table__, rows, key, computed_at=now)
