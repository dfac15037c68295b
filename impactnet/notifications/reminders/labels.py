"""Rule 3: labels about to expire (LABEL_REMINDER_DAYS before, e.g. 90 and 30
days), and the notice when one has expired."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from functools import partial

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_date, ngettext
from flask_babel import gettext as _

from impactnet.accounts.models import User
from impactnet.database import local_day
from impactnet.extensions import db
from impactnet.journey.models import JourneyStep, StepKind
from impactnet.mail.messages import build_message, public_url
from impactnet.notifications.reminders.common import (
    CATCH_UP,
    Due,
    Recipient,
    recipient,
    reminded_users_of_organisation,
    reminder_message,
    user_columns,
)
from impactnet.organisations.models import Organisation
from impactnet.organisations.models import OrganisationStatus as Org


def _renewal_link(organisation_id: int, steps: list[JourneyStep]) -> str:
    """The step where the organisation asks for a (new) review; else its dashboard."""
    review = next((s for s in steps if s.kind is StepKind.LABEL_REVIEW), None)
    if review is None:
        return public_url("home.dashboard")
    return public_url("journey.step", organisation_id=organisation_id, step_key=review.key)


def expiring_mails(now: datetime, steps: list[JourneyStep]) -> list[Due]:
    """Reminders to the users of organisations whose label ends within a lead
    time, once per (end date, lead time) and user (one query)."""
    today = local_day(now)
    leads = sorted(days for days in current_app.config["LABEL_REMINDER_DAYS"] if days > 0)
    if not leads:
        return []
    ends = [
        sa.and_(
            Organisation.label_valid_until <= today + timedelta(days=lead),
            Organisation.label_valid_until > today + timedelta(days=lead) - CATCH_UP,
        )
        for lead in leads
    ]
    rows = db.session.execute(
        sa.select(Organisation.id, Organisation.name, Organisation.label_valid_until, *user_columns())
        .join(User, reminded_users_of_organisation(Organisation.id))
        .where(
            Organisation.status == Org.LABELLED,
            Organisation.erased_at.is_(None),
            Organisation.label_valid_until >= today,
            sa.or_(*ends),
        )
    )
    due = []
    for organisation_id, name, valid_until, *user in rows:
        person, remaining = recipient(*user), (valid_until - today).days
        lead = min(lead for lead in leads if lead - CATCH_UP.days < remaining <= lead)
        due.append(
            Due(
                f"label-expiring:{organisation_id}:{valid_until.isoformat()}:{lead}:{person.id}",
                "label_expiring",
                organisation_id,
                partial(_expiring, person, name, valid_until, remaining, _renewal_link(organisation_id, steps)),
                person.locale,
            )
        )
    return due


def _expiring(user: Recipient, organisation_name: str, valid_until: date, remaining: int, link: str):
    subject = ngettext(
        "Uw label Ondernemen met impact verloopt over %(num)d dag",
        "Uw label Ondernemen met impact verloopt over %(num)d dagen",
        remaining,
    )
    paragraphs = [
        _(
            "Het label Ondernemen met impact van %(organisation)s is geldig tot en met %(date)s.",
            organisation=organisation_name,
            date=format_date(valid_until, "long"),
        ),
        _(
            "Wilt u het label houden? Vraag dan op tijd een nieuwe beoordeling aan; na goedkeuring loopt het label "
            "door vanaf de huidige einddatum."
        ),
    ]
    return reminder_message(
        user, subject, "reminder", paragraphs=paragraphs, button=_("Beoordeling aanvragen"), link=link, sign=True
    )


def expired_mails(organisation_ids: list[int], steps: list[JourneyStep], staff: list[Recipient]) -> list[Due]:
    """The notice that a label expired: to each active user of the organisation
    (whatever their reminder choice: it is news, not a reminder) and one list
    to every active staff member."""
    found: dict[int, tuple[str, date]] = {}
    due = []
    for start in range(0, len(organisation_ids), 1000):
        rows = db.session.execute(
            sa.select(Organisation.id, Organisation.name, Organisation.label_valid_until, *user_columns())
            .outerjoin(
                User,
                sa.and_(
                    User.organisation_id == Organisation.id, User.active.is_(True), User.password_hash.is_not(None)
                ),
            )
            .where(Organisation.id.in_(organisation_ids[start : start + 1000]))
            .order_by(Organisation.name, Organisation.id)
        )
        for organisation_id, name, valid_until, *user in rows:
            found[organisation_id] = (name, valid_until)
            if (person := recipient(*user)) is not None:
                due.append(
                    Due(
                        f"label-expired:{organisation_id}:{valid_until}:{person.id}",
                        "label_expired",
                        organisation_id,
                        partial(_expired, person, name, valid_until, _renewal_link(organisation_id, steps)),
                        person.locale,
                    )
                )
    if not found:
        return due
    listed = [
        {
            "organisation_name": name,
            "valid_until": valid_until,
            "link": public_url("organisations.show", organisation_id=organisation_id),
        }
        for organisation_id, (name, valid_until) in found.items()
    ]
    # The same set of expired labels gives the same key, so a second call sends nothing.
    batch = hashlib.sha256(",".join(f"{i}:{v}" for i, (_n, v) in sorted(found.items())).encode()).hexdigest()[:16]
    return due + [
        Due(
            f"label-expired-staff:{member.id}:{batch}",
            "label_expired_staff",
            None,
            partial(_expired_staff, member, listed),
            member.locale,
        )
        for member in staff
    ]


def _expired(user: Recipient, organisation_name: str, valid_until: date, link: str):
    subject = _("Het label Ondernemen met impact van %(organisation)s is verlopen", organisation=organisation_name)
    paragraphs = [
        _(
            "Het label Ondernemen met impact van %(organisation)s was geldig tot en met %(date)s en is nu verlopen.",
            organisation=organisation_name,
            date=format_date(valid_until, "long"),
        ),
        _("U blijft partner. Wilt u het label weer voeren? Vraag dan een nieuwe beoordeling aan."),
    ]
    return build_message(
        user.email,
        subject,
        "reminder",
        user=user,
        paragraphs=paragraphs,
        button=_("Beoordeling aanvragen"),
        link=link,
        sign=True,
    )


def _expired_staff(member: Recipient, listed: list[dict]):
    subject = ngettext(
        "%(num)d label Ondernemen met impact is verlopen",
        "%(num)d labels Ondernemen met impact zijn verlopen",
        len(listed),
    )
    return build_message(
        member.email, subject, "label_expired_staff", user=member, items=listed, link=public_url("workspace.index")
    )
