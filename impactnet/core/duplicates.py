"""Inserts that may meet a row a parallel request wrote a moment earlier.

"Check, then insert" leaves a gap: two requests both find a name, a version number or a year free
and both insert it, and the unique constraint refuses the second. These helpers let the second
find that out without losing its transaction, so its service can re-read and answer as a request
that came second would (a clear message, or carrying on with the row the first one made).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from impactnet.database import insert_on_conflict
from impactnet.extensions import db

T = TypeVar("T")

UNIQUE_VIOLATION = "23505"  # PostgreSQL's SQLSTATE
SQLITE_UNIQUE = ("SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY")


def is_unique_violation(error: IntegrityError) -> bool:
    """Whether ``error`` is a unique constraint refusing a row (not a foreign key or check)."""
    original = error.orig
    sqlstate = getattr(original, "sqlstate", None)  # psycopg
    if sqlstate is not None:
        return sqlstate == UNIQUE_VIOLATION
    return getattr(original, "sqlite_errorname", None) in SQLITE_UNIQUE


def write_unless_duplicate(write: Callable[[], object]) -> bool:
    """Run ``write`` (it adds or changes rows) and flush it inside a savepoint.

    Returns False when a unique constraint refuses what it wrote: the savepoint is rolled back
    and the rest of the transaction goes on. The caller then reads the current rows again (and
    expires the objects it linked a refused new row to: their collections still hold it).
    Any other error propagates.
    """
    db.session.flush()  # what was pending before is not part of the attempt
    try:
        with db.session.begin_nested():
            write()
            db.session.flush()
    except IntegrityError as error:
        if not is_unique_violation(error):
            raise
        return False
    return True


def insert_unless_duplicate(make: Callable[[], T]) -> T | None:
    """Insert the object ``make`` returns, now; None (and it is not in the session) when a unique
    constraint says the row exists already.

    ``make`` builds the object inside the attempt, so that linking it to a parent (which puts it
    in the parent's collection) happens after what was pending before has been flushed.
    """
    made: list[T] = []

    def add() -> None:
        made.append(make())
        db.session.add(made[0])

    return made[0] if write_unless_duplicate(add) else None


def insert_missing_rows(table: sa.Table, rows: Iterable[dict], keys: tuple[str, ...]) -> None:
    """INSERT ``rows`` into ``table``, skipping those whose ``keys`` exist already (ON CONFLICT DO
    NOTHING, on PostgreSQL and SQLite): one statement, no error, nothing to roll back.

    On PostgreSQL a row another transaction is inserting at that moment is waited for; once that
    one commits, the row is skipped and a following SELECT sees it.
    """
    rows = list(rows)
    if not rows:
        return
    insert = insert_on_conflict(table, db.session.get_bind())
    db.session.execute(insert.on_conflict_do_nothing(index_elements=list(keys)), rows)
