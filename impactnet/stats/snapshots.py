"""Daily growth snapshots: today's from the organisations' statuses, the past's from the audit trail."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, timedelta

import sqlalchemy as sa

from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.audit.status_changes import status_after, status_before
from impactnet.database import local_day, utcnow
from impactnet.extensions import db
from impactnet.organisations.models import Organisation
from impactnet.organisations.models import OrganisationStatus as Status
from impactnet.regions.models import Municipality
from impactnet.stats.counters import part_rows, take_dashboard_counters
from impactnet.stats.definitions import became_partner, by_part, got_label
from impactnet.stats.figures import (
    NEW_FIGURES,
    figures,
    municipality_row,
    period_starts,
    region_row,
    shown,
    upsert,
)
from impactnet.stats.models import GrowthSnapshot

SNAPSHOT_KEY = ("scope_key", "day")
STREAM_ROWS = 10_000  # rows fetched at a time while replaying the audit trail


def _municipalities() -> dict[int, date]:
    return dict(db.session.execute(sa.select(Municipality.id, Municipality.joined_on)).all())


def take_snapshots(day: date) -> int:
    """Store the figures of ``day`` (today: the organisations as they stand) for every municipality
    and the region, and the dashboards' funnel and breakdowns of ``day``
    (:mod:`impactnet.stats.counters`).

    The counts and the new partners and labels since the start of ``day``'s month, quarter and year
    come from one GROUP BY of the organisations (:func:`impactnet.stats.counters.part_rows`, shared
    with the breakdowns; the moments from :mod:`impactnet.stats.milestones`). Computing a day again
    replaces its rows. A fixed handful of statements, however many organisations there are. Returns
    the number of growth snapshot rows written.
    """
    counts: dict[int, Counter] = defaultdict(Counter)
    new: dict[int, Counter] = defaultdict(Counter)
    parts = part_rows(day)
    for row in parts:
        counts[row.municipality_id][row.part] += row.organisations
        new[row.municipality_id].update({column: row._mapping[column] for column in NEW_FIGURES.values()})

    rows = []
    for municipality_id, joined_on in sorted(_municipalities().items()):
        values = figures(counts[municipality_id], new[municipality_id])
        if shown(joined_on, day, values):
            rows.append(municipality_row(municipality_id, day, values))
    written = upsert(GrowthSnapshot.__table__, [*rows, region_row(rows, day)], SNAPSHOT_KEY, computed_at=utcnow())
    take_dashboard_counters(day, parts)
    return written


def first_activity_day() -> date | None:
    """The local day of the first audit event (where a backfill starts by default)."""
    first = db.session.scalar(sa.select(sa.func.min(AuditEvent.occurred_at)))
    return local_day(first) if first is not None else None


def _replayed_changes() -> tuple[dict[date, dict[int, Counter]], dict[date, dict[str, Counter]]]:
    """Replay every organisation's status history once, as changes per local day.

    An organisation counts in the status it started with (the first change's ``before``, else
    its current status) from its registration (``created_at``, the moment of its
    ORGANISATION_REGISTERED event), then moves with each ORGANISATION_STATUS_CHANGED event.
    Returns ``(changes, became)``: per day and municipality the change in the count per status,
    and per day how many organisations per municipality became partner (``"partners"``) or got
    the label (``"labels"``). Organisations are counted in their current municipality. One
    streamed query; memory grows with days x municipalities, not with events.
    """
    changes: dict[date, dict[int, Counter]] = defaultdict(lambda: defaultdict(Counter))
    became: dict[date, dict[str, Counter]] = defaultdict(lambda: {"partners": Counter(), "labels": Counter()})
    query = (
        sa.select(
            Organisation.id,
            Organisation.municipality_id,
            Organisation.created_at,
            Organisation.status,
            AuditEvent.occurred_at,
            status_before(),
            status_after(),
        )
        .outerjoin(
            AuditEvent,
            sa.and_(
                AuditEvent.organisation_id == Organisation.id,
                AuditEvent.action == AuditAction.ORGANISATION_STATUS_CHANGED,
            ),
        )
        .order_by(Organisation.id, AuditEvent.occurred_at, AuditEvent.id)
    )
    current, status = None, None
    for organisation_id, municipality_id, created_at, status_now, occurred_at, before, after in db.session.execute(
        query, execution_options={"yield_per": STREAM_ROWS}
    ):
        if organisation_id != current:
            current = organisation_id
            status = status_now if occurred_at is None else Status(before or Status.APPLICANT)
            changes[local_day(created_at)][municipality_id][status] += 1
        if occurred_at is None:
            continue
        new, day = Status(after), local_day(occurred_at)
        changes[day][municipality_id][status] -= 1
        changes[day][municipality_id][new] += 1
        if became_partner(status, new):
            became[day]["partners"][municipality_id] += 1
        if got_label(status, new):
            became[day]["labels"][municipality_id] += 1
        status = new
    return changes, became


def backfill_snapshots(start: date, end: date) -> int:
    """Rebuild the snapshots of every day from ``start`` to ``end`` from the audit trail.

    The trail is read once (see :func:`_replayed_changes`) and summed day by day, so the cost is
    one pass over the events plus one row per day and scope, written in chunks. Existing rows
    for those days are replaced. Returns the number of rows written.
    """
    if start > end:
        raise ValueError(f"backfill from {start} to {end}: the start lies after the end")
    return upsert(GrowthSnapshot.__table__, _history_rows(start, end), SNAPSHOT_KEY, computed_at=utcnow())


def _history_rows(start: date, end: date) -> Iterator[dict]:
    """The snapshot rows of each day from ``start`` to ``end``: the replayed changes summed up to it."""
    changes, became = _replayed_changes()
    municipalities = _municipalities()
    totals: dict[int, Counter] = defaultdict(Counter)
    # Per snapshot column, the new partners or labels per municipality since its period began.
    new: dict[str, Counter] = {column: Counter() for column in NEW_FIGURES.values()}

    def count_new(day: date, within: dict[str, date]) -> None:
        for (what, period), column in NEW_FIGURES.items():
            if day >= within[period]:
                new[column].update(became[day][what] if day in became else {})

    starts = period_starts(start)
    for day in sorted(day for day in changes.keys() | became.keys() if day < start):  # the figures as ``start`` began
        for municipality_id, delta in changes.get(day, {}).items():
            totals[municipality_id].update(delta)
        count_new(day, starts)
    day = start
    while day <= end:
        starts = period_starts(day)
        for (_what, period), column in NEW_FIGURES.items():
            if day == starts[period]:
                new[column].clear()
        for municipality_id, delta in changes.get(day, {}).items():
            totals[municipality_id].update(delta)
        count_new(day, starts)
        rows = []
        for municipality_id, joined_on in sorted(municipalities.items()):
            values = figures(by_part(totals[municipality_id]), {column: new[column][municipality_id] for column in new})
            if shown(joined_on, day, values):
                rows.append(municipality_row(municipality_id, day, values))
        if rows:
            yield from rows
            yield region_row(rows, day)
        day += timedelta(days=1)
