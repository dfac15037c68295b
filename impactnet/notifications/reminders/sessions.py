"""Rule 5: a day before an inspiration session, each booked organisation's users are reminded
(not the waiting list, not cancelled bookings or sessions), once per booking and user."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _

from impactnet.accounts.models import User
from impactnet.extensions import db
from impactnet.mail.messages import public_url
from impactnet.notifications.reminders.common import (
    Due,
    Recipient,
    recipient,
    reminded_users_of_organisation,
    reminder_message,
    stamp,
    user_columns,
)
from impactnet.organisations.models import Organisation, in_network
from impactnet.sessions.mails import when, where
from impactnet.sessions.models import BookingState, InspirationSession, SessionBooking

LEAD = timedelta(days=1)


def due_mails(now: datetime) -> list[Due]:
    """Reminders for sessions starting within a day from ``now`` (one query). The key holds the
    session's start, so a session moved to another day is reminded again."""
    rows = db.session.execute(
        sa.select(SessionBooking.id, Organisation.id, Organisation.name, InspirationSession, *user_columns())
        .join(InspirationSession, InspirationSession.id == SessionBooking.session_id)
        .join(Organisation, Organisation.id == SessionBooking.organisation_id)
        .join(User, reminded_users_of_organisation(Organisation.id))
        .where(
            SessionBooking.state == BookingState.BOOKED,
            InspirationSession.cancelled_at.is_(None),
            InspirationSession.starts_at > now,
            InspirationSession.starts_at <= now + LEAD,
            in_network(),
        )
        .order_by(SessionBooking.id, User.id)
    )
    due = []
    for booking_id, organisation_id, name, session, *user in rows:
        person = recipient(*user)
        due.append(
            Due(
                f"session-reminder:{booking_id}:{stamp(session.starts_at)}:{person.id}",
                "reminder_session",
                organisation_id,
                partial(_reminder, person, name, session),
                person.locale,
            )
        )
    return due


def _reminder(user: Recipient, organisation_name: str, session: InspirationSession):
    subject = _("Morgen: de inspiratiesessie van %(date)s", date=format_date(session.starts_at, "long"))
    paragraphs = [
        _(
            "Een herinnering: %(organisation)s is aangemeld voor de inspiratiesessie van St MBO.",
            organisation=organisation_name,
        ),
        _("Wanneer: %(when)s", when=when(session)),
        _("Waar: %(where)s", where=where(session)),
        _("Kunt u toch niet? Annuleer dan via uw overzicht, zodat een ander uw plaats krijgt."),
    ]
    return reminder_message(
        user,
        subject,
        "reminder",
        paragraphs=paragraphs,
        button=_("Naar uw overzicht"),
        link=public_url("home.dashboard"),
        sign=True,
    )
