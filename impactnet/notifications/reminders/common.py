"""What every reminder shares: recipients, links in mails, windows in time,
and queueing without repeats."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import sqlalchemy as sa
from flask_babel import force_locale

from impactnet.accounts.access import STAFF_ROLES
from impactnet.accounts.models import User
from impactnet.core.locale import recipient_locale
from impactnet.extensions import db
from impactnet.journey.models import JourneyStep
from impactnet.mail.messages import build_message, public_url
from impactnet.mail.outbox import QueuedMail, enqueue_many, queued_keys

# A reminder is due from its moment until CATCH_UP later: a scan that did not
# run for a while still sends it, but old history (a fresh deployment on an
# existing database) does not flood anyone. It also keeps each scan's load
# to what is due now, not everything that ever was.
CATCH_UP = timedelta(days=14)


@dataclass(frozen=True)
class Recipient:
    id: int
    name: str
    email: str
    reminders_enabled: bool = True
    locale: str | None = None  # the language of their mails (None: Dutch)


@dataclass(frozen=True)
class Due:
    """A mail that is due; ``build`` renders it, in ``locale`` (the recipient's
    language), only when its key is new."""

    key: str
    kind: str
    organisation_id: int | None
    build: Callable[[], EmailMessage]
    locale: str | None = None


def recipient(user_id: int | None, name: str | None, email: str | None, locale: str | None = None) -> Recipient | None:
    """A recipient from the user columns of an outer join (None when no user matched)."""
    return Recipient(user_id, name or "", email, locale=locale) if user_id is not None else None


def user_columns():
    return User.id, User.name, User.email, User.locale


def reminded_users_of_organisation(organisation_id_column):
    """Join condition: the organisation's active users who want reminders (not colleagues who were
    invited and have not joined yet: no password)."""
    return sa.and_(
        User.organisation_id == organisation_id_column,
        User.active.is_(True),
        User.password_hash.is_not(None),
        User.reminders_enabled.is_(True),
    )


def staff_members() -> list[Recipient]:
    """Every active St MBO staff member and admin (with their reminder choice)."""
    return [
        Recipient(u.id, u.name, u.email, u.reminders_enabled, u.locale)
        for u in db.session.execute(
            sa.select(User.id, User.name, User.email, User.reminders_enabled, User.locale)
            .where(User.role.in_(STAFF_ROLES), User.active.is_(True))
            .order_by(User.id)
        )
    ]


def ordered_steps() -> list[JourneyStep]:
    return list(db.session.scalars(sa.select(JourneyStep).order_by(JourneyStep.position)))


def window(column, after: timedelta, now: datetime, until: timedelta | None = None):
    """``column`` lies at least ``after`` before ``now``, and less than
    ``until`` (default: ``after``) plus CATCH_UP."""
    return sa.and_(column <= now - after, column > now - (until or after) - CATCH_UP)


def stamp(moment: datetime) -> str:
    """A moment in a dedupe key (UTC, to the microsecond, as stored)."""
    return f"{moment.astimezone(UTC):%Y%m%dT%H%M%S.%f}"


def reminder_message(to: Recipient, subject: str, template: str, **context) -> EmailMessage:
    """A mail to ``to`` with the link where reminders are switched off."""
    return build_message(
        to.email, subject, template, user=to, preferences_link=public_url("accounts.reminders"), **context
    )


def queue(due: Iterable[Due]) -> int:
    """Queue the due mails whose keys are new: one query finds the known keys
    (per thousand), one INSERT writes the rest. Returns how many were queued."""
    due = list({item.key: item for item in due}.values())
    known = queued_keys(item.key for item in due)
    return enqueue_many(
        QueuedMail(_render(item), item.key, item.kind, item.organisation_id) for item in due if item.key not in known
    )


def _render(item: Due) -> EmailMessage:
    with force_locale(recipient_locale(item)):
        return item.build()
