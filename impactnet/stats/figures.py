"""What a snapshot holds, how a local calendar day maps to UTC, and writing rows once per key."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta

from impactnet.database import LOCAL_TIMEZONE, insert_on_conflict
from impactnet.extensions import db
from impactnet.stats.definitions import COUNTS, counts
from impactnet.stats.models import REGION

PERIODS = ("month", "quarter", "year")
# The snapshot column that counts the organisations that became partner, or got the label,
# since the start of the day's month, quarter or year.
NEW_FIGURES = {
    ("partners", "month"): "new_this_month",
    ("partners", "quarter"): "new_partners_quarter",
    ("partners", "year"): "new_partners_year",
    ("labels", "month"): "new_labels_month",
    ("labels", "quarter"): "new_labels_quarter",
    ("labels", "year"): "new_labels_year",
}
# A snapshot's figures (what each counts: impactnet.stats.definitions).
FIGURES = (*COUNTS, *NEW_FIGURES.values())
UPSERT_CHUNK = 2000  # rows per statement: keeps a long backfill's memory and statements bounded


def figures(by_part: Mapping[str | None, int], new: Mapping[str, int]) -> dict[str, int]:
    """A snapshot's figures from a number of organisations per part (see
    :func:`impactnet.stats.definitions.counts`) and ``new``: the new partners and labels per
    period by column name (see NEW_FIGURES; a missing column is 0)."""
    return {**counts(by_part), **{column: new.get(column, 0) for column in NEW_FIGURES.values()}}


def region_row(municipality_rows: list[dict], day: date) -> dict:
    """The region's snapshot: the sum of its municipalities' (so the two always agree)."""
    return {
        "scope_key": REGION,
        "municipality_id": None,
        "day": day,
        **{name: sum(row[name] for row in municipality_rows) for name in FIGURES},
    }


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


def period_starts(day: date) -> dict[str, date]:
    """The first day of ``day``'s month, quarter and year."""
    month = month_start(day)
    return {
        "month": month,
        "quarter": month - relativedelta(months=(month.month - 1) % 3),
        "year": day.replace(month=1, day=1),
    }


def upsert(table: sa.Table, rows: Iterable[dict], keys: tuple[str, ...], **every_row) -> int:
    """Insert ``rows`` (each with ``every_row`` added), replacing the other columns of rows that
    exist with the same ``keys``.

    One statement per chunk (INSERT ... ON CONFLICT DO UPDATE on PostgreSQL and SQLite), so
    running a day again, or two workers at once, leaves one row per key. Returns the rows written.
    """
    bind = db.session.get_bind()
    written, chunk = 0, []
    for row in rows:
        chunk.append({**row, **every_row})
        if len(chunk) == UPSERT_CHUNK:
            written += _upsert_chunk(bind, table, chunk, keys)
            chunk = []
    if chunk:
        written += _upsert_chunk(bind, table, chunk, keys)
    return written


def _upsert_chunk(bind, table: sa.Table, rows: list[dict], keys: tuple[str, ...]) -> int:
    statement = insert_on_conflict(table, bind)
    statement = statement.on_conflict_do_update(
        index_elements=list(keys), set_={name: statement.excluded[name] for name in rows[0] if name not in keys}
    )
    db.session.execute(statement, rows)
    return len(rows)
