"""Organisation rules: self-registration and keeping the organisation's data."""
from __future__ import annotations

from dataclasses import asdict, dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from impactnet.accounts.models import Role, User
from impactnet.accounts.services import AccountError, email_taken, new_user
from impactnet.audit.models import AuditAction, AuditEvent
from impactnet.audit.services import apply_changes, record, snapshot
from impactnet.extensions import db
from impactnet.organisations.models import IDENTITY_FIELDS, Organisation, OrganisationStatus
from impactnet.regions.models import Municipality


class RegistrationError(ValueError):
    """Registration refused; ``field`` names the form field to show it at."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


@dataclass(frozen=True)
class OrganisationDetails:
    """What an organisation tells about itself (already validated and normalised)."""

    name: str
    kvk_number: str
    municipality_id: int
    sector: str
    size_class: str
    street_address: str
    postcode: str
    city: str
    website: str | None
    public_listing: bool
    impact_statement: str | None = None  # shown in the public directory when listed


EDITABLE_FIELDS = tuple(OrganisationDetails.__dataclass_fields__)
KVK_TAKEN = _l("Dit KvK-nummer hoort al bij een andere organisatie.")


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    password: str
    locale: str | None = None  # the language the contact registered in: their mails follow it


def kvk_taken(kvk_number: str, *, except_id: int | None = None) -> bool:
    query = sa.select(Organisation.id).where(Organisation.kvk_number == kvk_number)
    if except_id is not None:
        query = query.where(Organisation.id != except_id)
    return db.session.scalar(query) is not None


def _check_municipality(municipality_id: int) -> None:
    municipality = db.session.get(Municipality, municipality_id)
    if municipality is None or not municipality.active:
        raise RegistrationError("municipality_id", _l("Kies een gemeente uit de lijst."))


def register_organisation(details: OrganisationDetails, contact: Contact) -> User:
    """Create an organisation (status applicant) and its first partner user.

    Both are created or neither: a duplicate KvK number or email, also one
    that a parallel registration inserted a moment earlier, raises
    RegistrationError and leaves nothing behind.
    """
    _check_municipality(details.municipality_id)
    if kvk_taken(details.kvk_number):
        raise RegistrationError("kvk_number", _l("Deze organisatie (KvK-nummer) is al geregistreerd. Vraag een collega om u toegang te geven, of neem contact op met St MBO."))
    if email_taken(contact.email):
        raise RegistrationError("email", _l("Er bestaat al een account met dit e-mailadres. Log in of vraag een nieuw wachtwoord aan."))
    try:
        with db.session.begin_nested():
            organisation = Organisation(**asdict(details), status=OrganisationStatus.APPLICANT)
            db.session.add(organisation)
            db.session.flush()
            user = new_user(
                contact.email, Role.PARTNER, name=contact.name, password=contact.password,
                organisation_id=organisation.id, locale=contact.locale,
            )
    except (IntegrityError, AccountError):
        raise RegistrationError("kvk_number", _l("Deze organisatie of dit e-mailadres is zojuist al geregistreerd.")) from None
    record(
        user,
        AuditAction.ORGANISATION_REGISTERED,
        organisation,
        after=snapshot(organisation, EDITABLE_FIELDS + ("status",)),
        organisation_id=organisation.id,
    )
    record(user, AuditAction.USER_CREATED, user, after={"email": user.email, "role": user.role.value},
           organisation_id=organisation.id)
    return user


def check_details_editable(organisation: Organisation, details: OrganisationDetails) -> None:
    """Raise RegistrationError when ``details`` may not be saved on ``organisation``."""
    if organisation.erased_at is not None:  # kept for the counts only: no personal data may come back
        raise RegistrationError("name", _l("De gegevens van deze organisatie zijn gewist; ze kunnen niet meer worden gewijzigd."))
    _check_municipality(details.municipality_id)


def update_organisation(actor: User, organisation: Organisation, details: OrganisationDetails) -> bool:
    """Save changed details; returns whether anything changed.

    The KvK number and name of a locked organisation (``Organisation.identity_locked``) are left
    as they are whatever ``details`` says: they change only through
    :func:`impactnet.organisations.identity.save_details`, which asks St MBO."""
    check_details_editable(organisation, details)
    values = asdict(details)
    if organisation.identity_locked:
        for field in IDENTITY_FIELDS:
            del values[field]
    elif kvk_taken(details.kvk_number, except_id=organisation.id):
        raise RegistrationError("kvk_number", KVK_TAKEN)
    return apply_changes(actor, organisation, values, AuditAction.ORGANISATION_UPDATED,
                         organisation_id=organisation.id)


def visible_organisation(user: User, organisation_id: int) -> Organisation | None:
    """The organisation if ``user`` may see it: staff all, partners only their own."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        return None
    if user.is_staff or (user.role is Role.PARTNER and user.organisation_id == organisation.id):
        return organisation
    return None


def organisations_query(municipality_id: int | None = None, status: OrganisationStatus | None = None):
    """A select of organisations by name, for staff lists (paginate it)."""
    query = sa.select(Organisation).order_by(Organisation.name, Organisation.id)
    if municipality_id is not None:
        query = query.where(Organisation.municipality_id == municipality_id)
    if status is not None:
        query = query.where(Organisation.status == status)
    return query


def history(organisation: Organisation, limit: int | None = None) -> list[AuditEvent]:
    """The organisation's audit events, newest first (with who made them)."""
    return list(db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.organisation_id == organisation.id)
        .options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(limit)
    ))
