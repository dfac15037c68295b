"""Organisation rules: self-registration and keeping the organisation's data."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from impactnet.accounts import passwords
from impactnet.accounts.models import Role, User
from impactnet.accounts.services import AccountError, find_user_by_email, new_user
from impactnet.audit.models import STAFF_ONLY_ACTIONS, AuditAction, AuditEvent
from impactnet.audit.services import apply_changes, record, snapshot
from impactnet.core.locale import Message
from impactnet.extensions import db
from impactnet.organisations.models import IDENTITY_FIELDS, Organisation, OrganisationStatus
from impactnet.regions.models import Municipality


class RegistrationError(ValueError):
    """Registration refused; ``field`` names the form field to show it at."""

    def __init__(self, field: str, message: Message):
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


def _check_place(details: OrganisationDetails) -> None:
    """The municipality exists and takes registrations, and the postcode lies in it (when staff keep
    its postcode areas): a slip in either would count the organisation in the wrong municipality."""
    municipality = db.session.get(Municipality, details.municipality_id) if details.municipality_id else None
    if municipality is None or not municipality.active:
        raise RegistrationError("municipality_id", _l("Kies een gemeente uit de lijst."))
    if not municipality.covers_postcode(details.postcode):
        raise RegistrationError("postcode", postcode_elsewhere(details.postcode, municipality))


def postcode_elsewhere(postcode: str, municipality: Municipality) -> Message:
    """What to say when a postcode lies outside the municipality chosen (the form says it at once,
    together with any other problem; :func:`_check_place` holds whoever calls)."""
    return _l(
        "Postcode %(postcode)s ligt niet in de gemeente %(municipality)s. Controleer de postcode, of kies de "
        "gemeente waar uw organisatie is gevestigd.",
        postcode=postcode,
        municipality=municipality.name,
    )


@dataclass(frozen=True)
class Registration:
    """What a registration led to; exactly one is set. The page answers the same in every case, so
    that it reveals neither which addresses have an account nor who registered an organisation: only
    the mailbox of the address typed learns which it was (:func:`impactnet.accounts.mails.registration_mail`)."""

    user: User | None = None  # the first user of the new organisation
    existing_user: User | None = None  # the address already has an account: nothing was created
    known_organisation: Organisation | None = None  # the KvK number is registered already: nothing was created


def register_organisation(details: OrganisationDetails, contact: Contact, *, retry: bool = True) -> Registration:
    """Create an organisation (status applicant) and its first partner user, unless the address
    already has an account or the KvK number is registered (then nothing is created).

    Both are created or neither; a parallel registration that took the address or the number a
    moment earlier is answered as if it had come first.
    """
    _check_place(details)
    existing = find_user_by_email(contact.email)
    known = None if existing is not None else organisation_by_kvk(details.kvk_number)
    if existing is not None or known is not None:
        passwords.hash_password(contact.password)  # as much work as a new account: the answer takes as long
        return Registration(existing_user=existing, known_organisation=known)
    try:
        with db.session.begin_nested():
            organisation = Organisation(**asdict(details), status=OrganisationStatus.APPLICANT)
            db.session.add(organisation)
            db.session.flush()
            user = new_user(
                contact.email,
                Role.PARTNER,
                name=contact.name,
                password=contact.password,
                organisation_id=organisation.id,
                locale=contact.locale,
            )
    except (IntegrityError, AccountError):
        if retry:  # the other registration has committed: look again, once
            return register_organisation(details, contact, retry=False)
        raise RegistrationError(
            "kvk_number", _l("Deze organisatie of dit e-mailadres is zojuist al geregistreerd.")
        ) from None
    record(
        user,
        AuditAction.ORGANISATION_REGISTERED,
        organisation,
        after=snapshot(organisation, (*EDITABLE_FIELDS, "status")),
        organisation_id=organisation.id,
    )
    record(
        user,
        AuditAction.USER_CREATED,
        user,
        after={"email": user.email, "role": user.role.value},
        organisation_id=organisation.id,
    )
    return Registration(user=user)


def organisation_by_kvk(kvk_number: str) -> Organisation | None:
    return db.session.scalar(sa.select(Organisation).where(Organisation.kvk_number == kvk_number))


def check_details_editable(organisation: Organisation, details: OrganisationDetails) -> None:
    """Raise RegistrationError when ``details`` may not be saved on ``organisation``."""
    if organisation.erased_at is not None:  # kept for the counts only: no personal data may come back
        raise RegistrationError(
            "name", _l("De gegevens van deze organisatie zijn gewist; ze kunnen niet meer worden gewijzigd.")
        )
    _check_place(details)


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
    return apply_changes(actor, organisation, values, AuditAction.ORGANISATION_UPDATED, organisation_id=organisation.id)


def visible_organisation(user: User, organisation_id: int) -> Organisation | None:
    """The organisation if ``user`` may see it: staff all, partners only their own."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        return None
    if user.is_staff or (user.role is Role.PARTNER and user.organisation_id == organisation.id):
        return organisation
    return None


def history(organisation: Organisation, limit: int | None = None, *, staff: bool = False) -> list[AuditEvent]:
    """The organisation's audit events, newest first (with who made them); St MBO's own
    bookkeeping (``STAFF_ONLY_ACTIONS``: account manager, notes) only when ``staff``."""
    query = sa.select(AuditEvent).where(AuditEvent.organisation_id == organisation.id)
    if not staff:
        query = query.where(AuditEvent.action.not_in(STAFF_ONLY_ACTIONS))
    return list(
        db.session.scalars(
            query.options(joinedload(AuditEvent.actor))
            .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )
