"""Column types and helpers shared by all models."""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterable
from datetime import UTC, date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, SessionTransaction, mapped_column, scoped_session

if TYPE_CHECKING:
    from sqlalchemy.dialects.postgresql import Insert as PostgresInsert
    from sqlalchemy.dialects.sqlite import Insert as SqliteInsert

LOCAL_TIMEZONE = ZoneInfo("Europe/Amsterdam")


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_today() -> date:
    """Today's date in the Netherlands (label dates are calendar dates there)."""
    return datetime.now(LOCAL_TIMEZONE).date()


def local_day(moment: datetime) -> date:
    """The calendar day in the Netherlands of ``moment`` (an aware datetime)."""
    return moment.astimezone(LOCAL_TIMEZONE).date()


def insert_on_conflict(table: sa.Table, bind: sa.engine.Connection | Engine) -> PostgresInsert | SqliteInsert:
    """``INSERT`` into ``table`` with ``on_conflict_do_nothing`` / ``on_conflict_do_update``, as the
    bind's dialect writes it (PostgreSQL or SQLite): the one place that chooses, for the upserts of the
    figures, the outbox and :func:`impactnet.core.duplicates.insert_missing_rows`."""
    if bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgres_insert

        return postgres_insert(table)
    if bind.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table)
    raise NotImplementedError(f"INSERT ... ON CONFLICT on {bind.dialect.name}")  # pragma: no cover


def new_pools_after_fork(engines: Iterable[Engine]) -> None:
    """Give every forked child of this process empty connection pools for ``engines``.

    A child made by ``fork()`` (a gunicorn worker started with ``--preload``, a Celery pool process)
    gets a copy of the parent's pools, whose connections are the parent's sockets: two processes
    talking over one socket mix up each other's answers. SQLAlchemy's recipe is
    ``engine.dispose(close=False)`` in the child: the copies are dropped without closing the parent's
    connections. The engines are held weakly, so an engine that is gone (a test's app) costs nothing.
    """
    references = [weakref.ref(engine) for engine in engines]

    def dispose_copies() -> None:
        for reference in references:
            if (engine := reference()) is not None:
                engine.dispose(close=False)

    os.register_at_fork(after_in_child=dispose_copies)


def contains_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, its ``%``, ``_`` and ``\\`` as themselves
    (use with ``escape="\\"``)."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def enum_values(enum_cls: type[Enum]) -> list[str]:
    """The values of an enum's members, as they are stored (not their names)."""
    return [member.value for member in enum_cls]


def text_enum(enum_cls: type[Enum], length: int) -> sa.Enum:
    """An enum column stored as its members' values in a plain string column (no native enum type
    and no CHECK constraint: a new member needs no migration)."""
    return sa.Enum(enum_cls, native_enum=False, length=length, values_callable=enum_values)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database.

    PostgreSQL stores ``timestamptz``; SQLite has no time zones, so values are
    stored as naive UTC and given their zone back when loaded. Naive datetimes
    are refused on the way in: they are always a bug.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use impactnet.database.utcnow()")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False)


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection: Any, connection_record: Any) -> None:
    """SQLite ignores foreign keys unless told so on every connection."""
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


@event.listens_for(Engine, "savepoint")
def _sqlite_savepoint_inside_transaction(connection: sa.Connection, name: str) -> None:
    """Make a savepoint on SQLite part of the session's transaction.

    Python's sqlite3 opens a transaction only before the first INSERT, UPDATE or DELETE. A SAVEPOINT
    sent before that (after reads only) starts a transaction of its own, which its RELEASE then
    commits: the rows written in the savepoint would be saved even if the request later rolls
    back. Opening the transaction first keeps one commit point, as on PostgreSQL.
    """
    import sqlite3

    dbapi_connection = connection.connection.dbapi_connection
    if isinstance(dbapi_connection, sqlite3.Connection) and not dbapi_connection.in_transaction:
        dbapi_connection.execute("BEGIN")


# Session events fire for savepoints too: "after_commit" when one is released, "after_rollback"
# when one is rolled back. What must happen only when the whole transaction ends (a file deleted,
# caches told, the worker woken) asks these two.


def rows_changed(session: Session | scoped_session[Any], statement: sa.Update | sa.Delete) -> int:
    """Run an UPDATE or DELETE and say how many rows it changed: the compare-and-set of a decision
    (1: this request won; 0: a colleague's came first) and the counts of an erasure."""
    # Session.execute is typed as returning a Result; for DML it is a CursorResult, which counts.
    return cast(sa.CursorResult[Any], session.execute(statement)).rowcount


def whole_transaction_committed(session: Session) -> bool:
    """In an "after_commit" listener: the outermost transaction committed (not a savepoint released)."""
    return not session.in_nested_transaction()


def whole_transaction_rolled_back(previous_transaction: SessionTransaction) -> bool:
    """In an "after_soft_rollback" listener: the outermost transaction was rolled back (not a savepoint)."""
    return previous_transaction.parent is None
