"""Helpers for the API tests."""
from __future__ import annotations

from contextlib import contextmanager

import sqlalchemy as sa

from impactnet.api.services import create_token
from impactnet.extensions import db


@contextmanager
def statements():
    """The SQL statements sent to the database inside the block."""
    seen: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)


def bearer(user, name: str = "dashboard") -> dict:
    """An Authorization header with a new token of ``user``."""
    _, plain = create_token(user, name)
    db.session.commit()
    return {"Authorization": f"Bearer {plain}"}
