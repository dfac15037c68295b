"""The signed-in user of a request, without a database read on every page.

Flask-Login asks for the user behind the session's auth token on every request. Read from
PostgreSQL that cost four round trips (pre-ping, BEGIN, SELECT, ROLLBACK), about 1 ms: more than
the rest of a cached dashboard. So each process keeps a copy of the users it loaded (their column
values, detached from any session) under the ``kept`` key space's generation (:mod:`impactnet.core.kept`)
and hands the request a copy without a query (``Session.merge(load=False)``); relationships (the
organisation, the municipality) still load from the database when a page reads them; only their
names, which the page header shows, are kept with the copy (``User.affiliation_names``).

The token is a sign-in's (:mod:`impactnet.accounts.sessions`). A write that changes a user, a
sign-in, an organisation or a municipality renews the generation (a new sign-in does not), so a sign-out, a deactivated account, a changed role or a password change (which ends the other
sign-ins) counts from the next request on, in every process; a sign-in's own expiry is checked on
every request, copy or not.
"""

from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.orm import make_transient_to_detached

from impactnet.accounts.models import User
from impactnet.accounts.sessions import signed_in_user
from impactnet.core.kept import KEPT, MAX_AGE_SECONDS
from impactnet.database import utcnow
from impactnet.extensions import db


def load_user(token: str) -> User | None:
    """Flask-Login's user loader: the active user of the live sign-in ``token``, or None."""
    if not token:
        return None
    now = utcnow()
    version = KEPT.generation()  # before the database: a later write renews it
    copies = KEPT.local_copies(MAX_AGE_SECONDS)
    if version is not None:
        entry = copies.get("user:" + token)
        if entry is not None and entry[0] == version and entry[2] > now:
            user = db.session.merge(entry[1], load=False)
            user.session_token, user.session_expires_at, user.affiliation_names = token, entry[2], entry[3]
            return user
    found = signed_in_user(token, now)
    if found is None:
        return None
    user, expires_at = found
    user.session_expires_at = expires_at
    if version is not None:
        copies.put("user:" + token, (version, _detached_copy(user), expires_at, user.affiliation_names))
    return user


def _detached_copy(user: User) -> User:
    """A new User with ``user``'s column values as loaded, attached to no session."""
    copy = User(**{attribute.key: getattr(user, attribute.key) for attribute in inspect(User).column_attrs})
    make_transient_to_detached(copy)  # as if just loaded: nothing pending, so merge(load=False) takes it
    return copy
