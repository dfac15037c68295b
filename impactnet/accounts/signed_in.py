"""The signed-in user of a request, without a database read on every page.

Flask-Login asks for the user behind the session's auth token on every request. Read from
PostgreSQL that cost four round trips (pre-ping, BEGIN, SELECT, ROLLBACK), about 1 ms: more than
the rest of a cached dashboard. So each process keeps a copy of the users it loaded (their column
values, detached from any session) under the data version (:mod:`impactnet.core.data_version`)
and hands the request a copy without a query (``Session.merge(load=False)``); relationships (the
organisation, the municipality) still load from the database when a page reads them.

Any write renews the data version, so a deactivated account, a changed role or a rotated token
(password change, sign out everywhere) counts from the next request on, in every process.
"""
from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.orm import make_transient_to_detached

from impactnet.accounts.models import User
from impactnet.accounts.services import load_user_by_auth_token
from impactnet.core import data_version
from impactnet.extensions import db


def load_user(token: str) -> User | None:
    """Flask-Login's user loader: the active user whose auth token this is, or None."""
    if not token:
        return None
    version = data_version.current()  # before the database: a later write renews it
    copies = data_version.local_copies("signed-in users")
    if version is not None:
        entry = copies.get(token)
        if entry is not None and entry[0] == version:
            return db.session.merge(entry[1], load=False)
    user = load_user_by_auth_token(token)
    if user is not None and version is not None:
        copies.put(token, (version, _detached_copy(user)))
    return user


def _detached_copy(user: User) -> User:
    """A new User with ``user``'s column values as loaded, attached to no session."""
    copy = User(**{attribute.key: getattr(user, attribute.key) for attribute in inspect(User).column_attrs})
    make_transient_to_detached(copy)  # as if just loaded: nothing pending, so merge(load=False) takes it
    return copy
