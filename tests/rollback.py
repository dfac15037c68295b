"""Tests inside a transaction that is rolled back: SQLAlchemy's recipe for joining an external
transaction, fitted to Flask-SQLAlchemy.

One connection with a transaction begun on it; every session of the session app binds to that
connection with ``join_transaction_mode="create_savepoint"``, so that what the app commits releases
a savepoint and the end of the test rolls everything back. Flask-SQLAlchemy picks the current app's
engine in ``Session.get_bind`` and gives each app context its own session (a request, the mailbox,
a CLI command, a task run in the test), so the session class asks :class:`OneConnection` first.
Other apps (``make_app``, the live server) keep their own pools: their tests are marked
``commits`` (tests/conftest.py).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import ClassVar

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context

from impactnet.extensions import db


class OneConnection:
    """The connection of the test being rolled back, and the savepoints standing in for its sessions'
    own transactions (a session's BEGIN, COMMIT and ROLLBACK are SAVEPOINT, RELEASE and ROLLBACK TO
    on it)."""

    app: ClassVar[Flask | None] = None
    connection: ClassVar[sa.Connection | None] = None
    thread: ClassVar[int | None] = None
    open_savepoints: ClassVar[list[str]] = []
    stand_ins: ClassVar[set[str]] = set()

    @classmethod
    def bind_for_current_app(cls) -> sa.Connection | None:
        if cls.connection is None or not has_app_context() or current_app._get_current_object() is not cls.app:
            return None  # another app (make_app, the live server) uses its own pool, as before
        if threading.get_ident() != cls.thread:
            raise RuntimeError(
                "a thread of this test uses the database; its rows must be committed: mark the test "
                "@pytest.mark.commits"
            )
        return cls.connection


def route_sessions_to_the_test_connection(engine: sa.Engine) -> None:
    """Once per session: ``db.session`` binds to the test's connection (from ``engine``) while one is open."""
    base = db.session.session_factory.class_

    class TestSession(base):  # type: ignore[misc, valid-type]
        def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
            if bind is None and (connection := OneConnection.bind_for_current_app()) is not None:
                return connection
            return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)

    db.session.session_factory.class_ = TestSession
    # Only matters for a connection that is in a transaction already: the test's.
    db.session.session_factory.configure(join_transaction_mode="create_savepoint")
    # First, so that it has seen a savepoint before tests.helpers.statements asks about it.
    sa.event.listen(engine, "before_cursor_execute", _track_savepoints, insert=True)


_SAVEPOINT_STATEMENT = re.compile(r"(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT) (\w+)$")


def _track_savepoints(connection, cursor, statement, parameters, context, executemany) -> None:
    if connection is not OneConnection.connection or not (match := _SAVEPOINT_STATEMENT.match(statement.strip())):
        return
    verb, name = match.groups()
    if verb == "SAVEPOINT":
        if not OneConnection.open_savepoints:
            OneConnection.stand_ins.add(name)  # the outermost: a session's own transaction
        OneConnection.open_savepoints.append(name)
    elif name in OneConnection.open_savepoints:
        del OneConnection.open_savepoints[OneConnection.open_savepoints.index(name) :]


@contextmanager
def rolled_back(app: Flask) -> Iterator[None]:
    """Inside: every session of ``app`` in this thread works in one transaction, rolled back at the end."""
    db.session.remove()
    connection = db.engine.connect()
    outer = connection.begin()
    OneConnection.app, OneConnection.connection, OneConnection.thread = app, connection, threading.get_ident()
    try:
        yield
    finally:
        db.session.remove()
        OneConnection.app = OneConnection.connection = OneConnection.thread = None
        OneConnection.open_savepoints, OneConnection.stand_ins = [], set()
        if outer.is_active:
            outer.rollback()
        connection.close()


def stands_in_for_a_transaction(statement: str) -> bool:
    """A savepoint statement that is a session's BEGIN, COMMIT or ROLLBACK outside the tests: not
    sent at all there (the driver begins, commits and rolls back without a statement of its own)."""
    match = _SAVEPOINT_STATEMENT.match(statement.strip())
    return match is not None and match.group(2) in OneConnection.stand_ins
