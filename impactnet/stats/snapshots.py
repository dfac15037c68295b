"""Daily growth snapshots: today's from the organisations' statuses, the past's from the audit trail."""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, timedelta

import sqlalchemy as sa

from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.database import utcnow
from impactnet.extensions import db
from impactnet.organisations.models import Organisation
from impactnet.organisations.models import OrganisationStatus as Status
from impactnet.regions.models import Municipality
from impactnet.regions.services import PARTNER_STATUSES
from impactnet.stats.figures import (
    PARTNER_VALUES,
    day_end,
    day_start,
    figures,
    local_day,
    month_start,
    municipality_row,
    region_row,
    shown,
    upsert,
)
from impactnet.stats.models import GrowthSnapshot

SNAPSHOT_KEY = ("scope_key", "day")
STREAM_ROWS = 10_000  # rows fetched at a time while replaying the audit trail


def _status_before():
    return AuditEvent.before["status"].as_string()


def _status_after():
    return AuditEvent.after["status"].as_string()


def _municipalities() -> dict[int, date]:
    return dict(db.session.execute(sa.select(Municipality.id, Municipality.joined_on)).all())


def take_snapshots(day: date) -> int:
    """Store today's figures for every municipality and the region as the snapshot of ``day``.

    The counts are the organisations' current statuses (one GROUP BY), ``new_this_month`` the
    organisations that became partner from the first of ``day``'s month to the end of ``day``
    (one query on the audit trail). Computing a day again replaces its rows. Four statements,
    however many organisations there are. Returns the number of rows written.
    """
    counts: dict[int, Counter] = defaultdict(Counter)
    for municipality_id, status, n in db.session.execute(
            sa.select(Organisation.municipality_id, Organisation.status, sa.func.count())
            .group_by(Organisation.municipality_id, Organisation.status)):
        counts[municipality_id][status] = n
    became_partner = dict(db.session.execute(
        sa.select(Organisation.municipality_id, sa.func.count(sa.distinct(AuditEvent.organisation_id)))
        .join(Organisation, Organisation.id == AuditEvent.organisation_id)
        .where(AuditEvent.action == AuditAction.ORGANISATION_STATUS_CHANGED,
               AuditEvent.occurred_at >= day_start(month_start(day)), AuditEvent.occurred_at < day_end(day),
               _status_before().not_in(PARTNER_VALUES), _status_after().in_(PARTNER_VALUES))
        .group_by(Organisation.municipality_id)).all())

    rows = []
    for municipality_id, joined_on in sorted(_municipalities().items()):
        values = figures(counts[municipality_id], became_partner.get(municipality_id, 0))
        if shown(joined_on, day, values):
            rows.append(municipality_row(municipality_id, day, values))
    return upsert(GrowthSnapshot.__table__, [*rows, region_row(rows, day)], SNAPSHOT_KEY, computed_at=utcnow())


def first_activity_day() -> date | None:
    """The local day of the first audit event (where a backfill starts by default)."""
    first = db.session.scalar(sa.select(sa.func.min(AuditEvent.occurred_at)))
    return local_day(first) if first is not None else None


def _replayed_changes() -> tuple[dict[date, dict[int, Counter]], dict[date, Counter]]:
    """Replay every organisation's status history once, as changes per local day.

    An organisation counts in the status it started with (the first change's ``before``, else
    its current status) from its registration (``created_at``, the moment of its
    ORGANISATION_REGISTERED event), then moves with each ORGANISATION_STATUS_CHANGED event.
    Returns ``(changes, became_partner)``: per day and municipality the change in the count per
    status, and how many organisations became partner. Organisations are counted in their current
    municipality. One streamed query; memory grows with days x municipalities, not with events.
    """
    changes: dict[date, dict[int, Counter]] = defaultdict(lambda: defaultdict(Counter))
    became_partner: dict[date, Counter] = defaultdict(Counter)
    query = (
        sa.select(Organisation.id, Organisation.municipality_id, Organisation.created_at, Organisation.status,
                  AuditEvent.occurred_at, _status_before(), _status_after())
        .outerjoin(AuditEvent, sa.and_(AuditEvent.organisation_id == Organisation.id,
                                       AuditEvent.action == AuditAction.ORGANISATION_STATUS_CHANGED))
        .order_by(Organisation.id, AuditEvent.occurred_at, AuditEvent.id)
    )
    current, status = None, None
    for organisation_id, municipality_id, created_at, status_now, occurred_at, before, after in db.session.execute(
            query, execution_options={"yield_per": STREAM_ROWS}):
        if organisation_id != current:
            current = organisation_id
            status = status_now if occurred_at is None else Status(before or Status.APPLICANT)
            changes[local_day(created_at)][municipality_id][status] += 1
        if occurred_at is None:
            continue
        new, day = Status(after), local_day(occurred_at)
        changes[day][municipality_id][status] -= 1
        changes[day][municipality_id][new] += 1
        if status not in PARTNER_STATUSES and new in PARTNER_STATUSES:
            became_partner[day][municipality_id] += 1
        status = new
    return changes, became_partner


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
    changes, became_partner = _replayed_changes()
    municipalities = _municipalities()
    totals: dict[int, Counter] = defaultdict(Counter)
    new_this_month: Counter = Counter()
    earlier = [day for day in changes if day < start]
    for day in sorted(earlier):  # the figures as they stood when ``start`` began
        for municipality_id, delta in changes[day].items():
            totals[municipality_id].update(delta)
        if month_start(day) == month_start(start):
            new_this_month.update(became_partner[day])
    day = start
    while day <= end:
        if day.day == 1:
            new_this_month.clear()
        for municipality_id, delta in changes.get(day, {}).items():
            totals[municipality_id].update(delta)
        new_this_month.update(became_partner.get(day, {}))
        rows = []
        for municipality_id, joined_on in sorted(municipalities.items()):
            values = figures(totals[municipality_id], new_this_month[municipality_id])
            if shown(joined_on, day, values):
                rows.append(municipality_row(municipality_id, day, values))
        if rows:
            yield from rows
            yield region_row(rows, day)
        day += timedelta(days=1)
