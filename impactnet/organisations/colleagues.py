"""A partner organisation's users: its colleagues, invited by one another or by St MBO.

An invitation is a partner account without a password, made for the organisation, and the
invitation mail that goes with it (the signed single-use link of :mod:`impactnet.accounts.tokens`
that admins' invitations use too): following the link sets the password, and the fingerprint in
the token makes it work once. Withdrawing an invitation deletes that account, so the link opens
nothing and the address is free again. Removing a colleague deactivates the account and ends its
sign-ins; an organisation always keeps one active user. Every change is in the organisation's
history. Like every service these flush; the caller commits (and queues the mail).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from impactnet.accounts.models import Role, User, new_auth_token
from impactnet.accounts.services import AccountError, find_user_by_email, new_user
from impactnet.accounts.sessions import end_all_sessions
from impactnet.audit.models import AuditAction
from impactnet.audit.services import record
from impactnet.core.locale import valid_locale
from impactnet.database import utcnow
from impactnet.extensions import db
from impactnet.organisations.models import Organisation


class ColleagueError(AccountError):
    """A colleague rule was broken; the message (Dutch source, translated) is shown."""


@dataclass(frozen=True)
class Invitation:
    user: User
    expires_at: datetime

    @property
    def expired(self) -> bool:
        return self.expires_at <= utcnow()


@dataclass(frozen=True)
class Colleagues:
    members: list[User]
    invitations: list[Invitation]


def is_pending(user: User) -> bool:
    """Invited and not yet accepted: no password chosen."""
    return user.active and user.password_hash is None


def _who(user: User) -> dict:
    # Shown in the history ("whom"); erased with the organisation's personal data (privacy.services).
    return {"email": user.email, "name": user.name}


def list_colleagues(organisation: Organisation) -> Colleagues:
    """The organisation's active users and its open invitations (by name)."""
    users = db.session.scalars(
        sa.select(User)
        .where(User.organisation_id == organisation.id, User.role == Role.PARTNER, User.active.is_(True))
        .order_by(sa.func.lower(User.name), User.email)
    ).all()
    max_age = timedelta(seconds=current_app.config["INVITATION_MAX_AGE"])
    return Colleagues(
        members=[user for user in users if not is_pending(user)],
        invitations=[Invitation(user, user.created_at + max_age) for user in users if is_pending(user)],
    )


def colleague(organisation: Organisation, user_id: int) -> User | None:
    """A user of this organisation (else None: the view answers 404)."""
    user = db.session.get(User, user_id)
    return user if user is not None and user.organisation_id == organisation.id else None


def _locked(organisation: Organisation) -> Organisation:
    """The organisation row locked for the rest of the transaction (PostgreSQL), so that two
    colleagues removing each other at once cannot leave it without an active user."""
    return db.session.scalars(sa.select(Organisation).where(Organisation.id == organisation.id).with_for_update()).one()


def invite_colleague(actor: User, organisation: Organisation, email: str, name: str) -> User:
    """An invitation for ``email`` to join ``organisation`` (the caller queues the mail).

    An address that has an account already is refused with the reason: an account belongs to
    one organisation, and nobody is moved silently from one to another.
    """
    if organisation.erased_at is not None:
        raise ColleagueError(_l("De gegevens van deze organisatie zijn gewist; er kunnen geen collega's bij."))
    existing = find_user_by_email(email)
    if existing is not None:
        raise ColleagueError(_existing_account_message(existing, organisation))
    user = new_user(
        email, Role.PARTNER, name=name, organisation_id=organisation.id, locale=_invitation_locale(actor, organisation)
    )
    record(actor, AuditAction.COLLEAGUE_INVITED, user, after=_who(user), organisation_id=organisation.id)
    db.session.flush()
    return user


def _existing_account_message(existing: User, organisation: Organisation):
    if existing.organisation_id == organisation.id:
        if is_pending(existing):
            return _l(
                "%(email)s is al uitgenodigd. Is de uitnodiging verlopen? Trek haar in en nodig opnieuw uit.",
                email=existing.email,
            )
        if existing.active:
            return _l("%(email)s is al collega bij deze organisatie.", email=existing.email)
        return _l(
            "%(email)s is eerder als collega verwijderd. Neem contact op met St MBO om dit account weer te activeren.",
            email=existing.email,
        )
    return _l(
        "Er bestaat al een impactnet-account met %(email)s, bij een andere organisatie of bij St MBO. "
        "Een account hoort bij één organisatie en wordt niet verplaatst. Gebruik een ander e-mailadres "
        "of neem contact op met St MBO.",
        email=existing.email,
    )


def _invitation_locale(actor: User, organisation: Organisation) -> str | None:
    """The invitee's language until they choose: the inviting partner's, else (St MBO invites)
    that of the organisation's first user."""
    if actor.role is Role.PARTNER and actor.organisation_id == organisation.id:
        return valid_locale(actor.locale)
    first = db.session.scalar(
        sa.select(User.locale)
        .where(User.organisation_id == organisation.id, User.active.is_(True), User.password_hash.is_not(None))
        .order_by(User.created_at, User.id)
        .limit(1)
    )
    return valid_locale(first)


def withdraw_invitation(actor: User, organisation: Organisation, user: User) -> None:
    """Withdraw an open invitation: its account goes, and with it what the link could open."""
    if user.organisation_id != organisation.id or not is_pending(user):
        raise ColleagueError(_l("Deze uitnodiging is al aanvaard of ingetrokken."))
    record(actor, AuditAction.COLLEAGUE_INVITATION_WITHDRAWN, user, after=_who(user), organisation_id=organisation.id)
    db.session.delete(user)
    db.session.flush()


def active_members(organisation: Organisation) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(User)
        .where(User.organisation_id == organisation.id, User.active.is_(True), User.password_hash.is_not(None))
    )


def removal_refusal(organisation: Organisation, user: User):
    """Why ``user`` cannot be removed from ``organisation`` (a message), or None."""
    if user.organisation_id != organisation.id or not user.active:
        return _l("Deze collega is al verwijderd.")
    if is_pending(user):
        return _l("Deze collega heeft de uitnodiging nog niet aanvaard. Trek de uitnodiging in.")
    if active_members(organisation) <= 1:
        return _l(
            "%(name)s is de laatste gebruiker van deze organisatie en kan niet worden verwijderd. "
            "Nodig eerst een collega uit.",
            name=user.name or user.email,
        )
    return None


def remove_colleague(actor: User, organisation: Organisation, user: User) -> None:
    """Remove a colleague: the account is deactivated and every sign-in of it ends. The last
    active user of an organisation stays (nobody could sign in for it any more)."""
    _locked(organisation)
    refusal = removal_refusal(organisation, user)
    if refusal is not None:
        raise ColleagueError(refusal)
    user.active = False
    user.auth_token = new_auth_token()
    end_all_sessions(user)
    record(
        actor,
        AuditAction.COLLEAGUE_REMOVED,
        user,
        before={"active": True},
        after={"active": False, **_who(user)},
        organisation_id=organisation.id,
    )
    db.session.flush()
