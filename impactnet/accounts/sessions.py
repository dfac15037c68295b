"""Sign-ins kept on the server (:class:`~impactnet.accounts.models.UserSession`).

Flask-Login's cookies (the session and "remember me") carry a sign-in's token, so signing out
ends that sign-in for every copy of its cookies, and "sign out everywhere" ends them all. A
sign-in also ends at its own expiry: ``SESSION_HOURS`` after signing in, or ``REMEMBER_DAYS``
with "remember me". Like every service these flush; the caller commits.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from impactnet.accounts.models import User, UserSession
from impactnet.database import rows_changed, utcnow
from impactnet.extensions import db


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def lifetime(remember: bool) -> timedelta:
    config = current_app.config
    return (
        timedelta(seconds=config["REMEMBER_COOKIE_DURATION"]) if remember else timedelta(hours=config["SESSION_HOURS"])
    )


def start_session(user: User, *, remember: bool = False, now: datetime | None = None) -> str:
    """A new sign-in for ``user``; returns its token (also set as ``user.session_token``, which
    Flask-Login's ``login_user`` stores in the cookies). The user's ended and expired sign-ins
    are cleared away at the same time, so the table holds about one row per device."""
    now = now or utcnow()
    db.session.execute(
        sa.delete(UserSession).where(
            UserSession.user_id == user.id, sa.or_(UserSession.ended_at.is_not(None), UserSession.expires_at <= now)
        )
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            user_id=user.id,
            token_hash=token_hash(token),
            remember=remember,
            created_at=now,
            expires_at=now + lifetime(remember),
        )
    )
    db.session.flush()
    user.session_token = token
    return token


def signed_in_user(token: str, now: datetime | None = None) -> tuple[User, datetime] | None:
    """The active user of the live sign-in ``token``, and when that sign-in expires; else None."""
    if not token or len(token) > 200:
        return None
    # The names of the user's organisation and municipality come in the same statement, for the
    # page header ("signed in as ... for ..."), which would otherwise cost a query on every page.
    # They are reached through the user's relationships: accounts sits below the packages that
    # define them (README, Layout).
    organisation = sa.orm.aliased(User.organisation.property.entity)
    municipality = sa.orm.aliased(User.municipality.property.entity)
    found = db.session.execute(
        sa.select(User, UserSession.expires_at, organisation.name, municipality.name)
        .join(UserSession, UserSession.user_id == User.id)
        .outerjoin(User.organisation.of_type(organisation))
        .outerjoin(User.municipality.of_type(municipality))
        .where(
            UserSession.token_hash == token_hash(token),
            UserSession.ended_at.is_(None),
            UserSession.expires_at > (now or utcnow()),
            User.active.is_(True),
        )
    ).first()
    if found is None:
        return None
    user, expires_at, organisation_name, municipality_name = found
    user.session_token = token
    user.affiliation_names = (organisation_name, municipality_name)
    return user, expires_at


def end_session(token: str | None, now: datetime | None = None) -> None:
    """Sign out: the sign-in ``token`` opens nothing any more, whatever cookie carries it."""
    if token:
        db.session.execute(
            sa.update(UserSession)
            .where(UserSession.token_hash == token_hash(token), UserSession.ended_at.is_(None))
            .values(ended_at=now or utcnow())
        )


def end_all_sessions(user: User, *, keep: str | None = None, now: datetime | None = None) -> int:
    """End every sign-in of ``user`` (but ``keep``, the one in use); returns how many ended."""
    query = sa.update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    if keep:
        query = query.where(UserSession.token_hash != token_hash(keep))
    return rows_changed(db.session, query.values(ended_at=now or utcnow()))


def live_sessions(user: User, now: datetime | None = None) -> int:
    """How many devices ``user`` is signed in on."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(UserSession)
        .where(
            UserSession.user_id == user.id, UserSession.ended_at.is_(None), UserSession.expires_at > (now or utcnow())
        )
    )
