"""Rule 4: an email address still unconfirmed some days after registration:
one reminder with a fresh confirmation link."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from impactnet.accounts.mails import verification_mail
from impactnet.accounts.models import User
from impactnet.extensions import db
from impactnet.notifications.reminders.common import Due, window
from impactnet.organisations.models import Organisation, in_network


def due_mails(now: datetime) -> list[Due]:
    """Users who chose a password (self-registered) but have not confirmed
    their address after EMAIL_VERIFY_REMINDER_DAYS (one query). Invited users
    without a password are left out: their way in is the invitation."""
    after = timedelta(days=current_app.config.get("EMAIL_VERIFY_REMINDER_DAYS", 3))
    users = db.session.scalars(
        sa.select(User)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .where(
            User.email_verified_at.is_(None),
            User.password_hash.is_not(None),
            User.active.is_(True),
            User.reminders_enabled.is_(True),
            window(User.created_at, after, now),
            sa.or_(Organisation.id.is_(None), in_network()),
        )
    )
    return [
        Due(
            f"unverified:{user.id}",
            "reminder_verify_email",
            user.organisation_id,
            partial(_reminder, user),
            user.locale,
        )
        for user in users
    ]


def _reminder(user: User):
    message = verification_mail(user)
    message.replace_header("Subject", _("Herinnering: bevestig uw e-mailadres voor impactnet"))
    return message
