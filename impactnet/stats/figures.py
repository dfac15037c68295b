"""What a snapshot holds, how a local calendar day maps to UTC, and writing rows once per key."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta

from impactnet.database import LOCAL_TIMEZONE
from impactnet.extensions import db
from impactnet.organisations.models import OrganisationStatus as Status
from impactnet.regions.services import PARTNER_STATUSES
from impactnet.stats.models import REGION

FIGURES = ("partners", "labelled", "working_toward_label", "applicants", "new_this_month", "labels_expired")
PARTNER_VALUES = sorted(status.value for status in PARTNER_STATUSES)
UPSERT_CHUNK = 2000  # rows per statement: keeps a long backfill's memory and statements bounded


def figures(by_status: Mapping[Status, int], new_this_month: int) -> dict[str, int]:
    """A snapshot's figures from a count per status, with the definitions of
    :func:`impactnet.regions.services.status_counts`."""
    return {
        "partners": sum(n for status, n in by_status.items() if status in PARTNER_STATUSES),
        "labelled": by_status.get(Status.LABELLED, 0),
        "working_toward_label": by_status.get(Status.PARTNER, 0) + by_status.get(Status.WORKING_TOWARD_LABEL, 0),
        "applicants": by_status.get(Status.APPLICANT, 0),
        "new_this_month": new_this_month,
        "labels_expired": by_status.get(Status.LABEL_EXPIRED, 0),
    }


def region_row(municipality_rows: list[dict], day: date) -> dict:
    """The region's snapshot: the sum of its municipalities' (so the two always agree)."""
    return {"scope_key": REGION, "municipality_id": None, "day": day,
            **{name: sum(row[name] for row in municipality_rows) for name in FIGURES}}


def municipality_row(municipality_id: int, day: date, values: dict[str, int]) -> dict:
    return {"scope_key": municipality_id, "municipality_id": municipality_id, "day": day, **values}


def shown(joined_on: date, day: date, values: dict[str, int]) -> bool:
    """A municipality has a row from the day it joined, or earlier if it already had organisations."""
    return day >= joined_on or any(values.values())


def day_start(day: date) -> datetime:
    """Midnight at the start of ``day`` in the Netherlands (snapshots are of local calendar days)."""
    return datetime.combine(day, time(), tzinfo=LOCAL_TIMEZONE)


def day_end(day: date) -> datetime:
    """The moment ``day`` ends in the Netherlands: a snapshot of ``day`` counts what happened before it."""
    return day_start(day + timedelta(days=1))


def month_start(day: date) -> date:
    return day + relativedelta(day=1)


def local_day(moment: datetime) -> date:
    return moment.astimezone(LOCAL_TIMEZONE).date()


def upsert(table: sa.Table, rows: Iterable[dict], keys: tuple[str, ...], **every_row) -> int:
    """Insert ``rows`` (each with ``every_row`` added), replacing the other columns of rows that
    exist with the same ``keys``.

    One statement per chunk (INSERT ... ON CONFLICT DO UPDATE on PostgreSQL and SQLite), so
    running a day again, or two workers at once, leaves one row per key. Returns the rows written.
    """
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - impactnet runs on PostgreSQL and SQLite
        raise NotImplementedError(f"upsert on {dialect}")
    written, chunk = 0, []
    for row in rows:
        chunk.append({**row, **every_row})
        if len(chunk) == UPSERT_CHUNK:
            written += _upsert_chunk(insert, table, chunk, keys)
            chunk = []
    if chunk:
        written += _upsert_chunk(insert, table, chunk, keys)
    return written


def _upsert_chunk(insert, table: sa.Table, rows: list[dict], keys: tuple[str, ...]) -> int:
    statement = insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=list(keys), set_={name: statement.excluded[name] for name in rows[0] if name not in keys})
    db.session.execute(statement, rows)
    return len(rows)
