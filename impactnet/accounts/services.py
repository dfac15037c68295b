"""Account rules: registration, sign-in, email verification, passwords, staff accounts.

Services take the acting user explicitly, flush and never commit; the caller
(view, CLI command, task) commits and then sends any mail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from impactnet.accounts import passwords
from impactnet.accounts.models import Role, User, new_auth_token
from impactnet.accounts.sessions import end_all_sessions
from impactnet.accounts.tokens import TokenError, TokenPurpose, matches_user, read_token
from impactnet.audit.models import AuditAction
from impactnet.audit.services import apply_changes, record
from impactnet.core.duplicates import insert_unless_duplicate
from impactnet.core.forms import strip
from impactnet.core.locale import LANGUAGES
from impactnet.database import utcnow
from impactnet.extensions import db
from impactnet.regions.models import Municipality


class AccountError(ValueError):
    """A rule was broken; the message is shown to the user (already translated)."""


def normalise_email(email: str) -> str:
    """An address as impactnet stores and compares it: what the forms keep of it (no control
    characters, no surrounding space), lower-cased. The throttles key on this too, so that a
    character the form drops cannot open a new count."""
    stripped: str = strip(email or "")
    return stripped.lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def email_taken(email: str) -> bool:
    return find_user_by_email(email) is not None


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, else None.

    Takes about as long for an unknown email as for a wrong password, so the
    answer does not reveal which emails have accounts.
    """
    user = find_user_by_email(email)
    ok = passwords.verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        return None
    if user.password_hash is not None and passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def new_user(email: str, role: Role, *, name: str = "", password: str | None = None, **links: Any) -> User:
    """An unsaved user with a normalised email; refuses an email already in use."""
    email = normalise_email(email)
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise AccountError(_l("Vul een geldig e-mailadres in, bijvoorbeeld naam@bedrijf.nl.")) from None
    if email_taken(email):
        raise AccountError(_l("Er bestaat al een account met dit e-mailadres."))
    password_hash = passwords.hash_password(password) if password else None
    user = insert_unless_duplicate(
        lambda: User(email=email, name=name.strip(), role=role, password_hash=password_hash, **links)
    )
    if user is None:
        # The address was free a moment ago: a parallel request (two admins inviting the same
        # person, a double click) took it since. (The only other unique column is the random
        # auth token.)
        raise AccountError(_l("Er bestaat al een account met dit e-mailadres."))
    return user


def verify_email(token: str) -> User:
    """Mark the user's email verified. Raises TokenError for a bad or stale link."""
    payload = read_token(TokenPurpose.VERIFY_EMAIL, token)
    user = db.session.get(User, payload["uid"])
    if user is None or user.email != payload.get("email"):
        raise TokenError()
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        record(user, AuditAction.USER_EMAIL_VERIFIED, user, organisation_id=user.organisation_id)
        db.session.flush()
    return user


def user_for_password_token(purpose: TokenPurpose, token: str) -> User:
    """The user a reset or invitation link is for; TokenError when used or stale."""
    payload = read_token(purpose, token)
    user = db.session.get(User, payload["uid"])
    if user is None or not user.active or not matches_user(payload, user):
        raise TokenError()
    return user


def set_password(
    actor: User | None, user: User, new_password: str, action: AuditAction, keep_session: str | None = None
) -> None:
    """Set a new password and end every sign-in of this user but ``keep_session`` (the one in use)."""
    user.password_hash = passwords.hash_password(new_password)
    user.auth_token = new_auth_token()
    end_all_sessions(user, keep=keep_session)
    record(actor, action, user, organisation_id=user.organisation_id)
    db.session.flush()


def reset_password(purpose: TokenPurpose, token: str, new_password: str) -> User:
    """Use a reset or invitation link. A link from the mailbox proves the email."""
    user = user_for_password_token(purpose, token)
    # A colleague invited through Collega's joins the organisation with the first password (by the
    # invitation's link, or a reset link asked for meanwhile): its history says so.
    joins = user.role is Role.PARTNER and user.password_hash is None
    set_password(user, user, new_password, AuditAction.COLLEAGUE_JOINED if joins else AuditAction.USER_PASSWORD_RESET)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """The user's own password change: every other device is signed out, this one stays."""
    if not passwords.verify_password(user.password_hash, current_password):
        raise AccountError(_l("Uw huidige wachtwoord klopt niet."))
    set_password(user, user, new_password, AuditAction.USER_PASSWORD_CHANGED, keep_session=user.session_token)


@dataclass(frozen=True)
class NewAccount:
    email: str
    role: Role
    name: str = ""
    municipality_slug: str | None = None
    password: str | None = None


def create_account(actor: User | None, account: NewAccount) -> User:
    """Create a staff, municipality or admin account (partners register themselves).

    Without a password the user sets one through an invitation link.
    """
    if account.role is Role.PARTNER:
        raise AccountError(_l("Partneraccounts worden aangemaakt via de registratie van een organisatie."))
    links = {}
    if account.role is Role.MUNICIPALITY:
        municipality = db.session.scalar(
            sa.select(Municipality).where(Municipality.slug == (account.municipality_slug or ""))
        )
        if municipality is None:
            raise AccountError(_l("Kies een bestaande gemeente voor een gemeenteaccount."))
        links["municipality_id"] = municipality.id
    elif account.municipality_slug:
        raise AccountError(_l("Alleen gemeenteaccounts horen bij een gemeente."))
    user = new_user(account.email, account.role, name=account.name, password=account.password, **links)
    if account.password:
        # An admin who sets the password vouches for the address.
        user.email_verified_at = utcnow()
    record(
        actor,
        AuditAction.USER_CREATED if account.password else AuditAction.USER_INVITED,
        user,
        after={"email": user.email, "role": user.role.value, "municipality_id": user.municipality_id},
    )
    return user


def set_active(actor: User, user: User, active: bool) -> None:
    """Deactivate or reactivate an account; deactivation ends its sessions."""
    if actor.id == user.id:
        raise AccountError(_l("U kunt uw eigen account niet (de)activeren."))
    if user.active == active:
        return
    user.active = active
    user.auth_token = new_auth_token()
    end_all_sessions(user)
    record(
        actor,
        AuditAction.USER_REACTIVATED if active else AuditAction.USER_DEACTIVATED,
        user,
        before={"active": not active},
        after={"active": active},
        organisation_id=user.organisation_id,
    )
    db.session.flush()


def set_reminders(user: User, enabled: bool) -> bool:
    """The user's choice about reminder mails; recorded when it changes.
    Returns whether it changed."""
    return apply_changes(
        user,
        user,
        {"reminders_enabled": bool(enabled)},
        AuditAction.USER_PREFERENCES_CHANGED,
        organisation_id=user.organisation_id,
    )


def set_locale(user: User, locale: str) -> bool:
    """The user's language for pages and mails ("nl" or "en"); recorded when it
    changes. Returns whether it changed."""
    if locale not in LANGUAGES:
        raise ValueError(f"unknown language {locale!r}")  # the form allows only these
    return apply_changes(
        user, user, {"locale": locale}, AuditAction.USER_PREFERENCES_CHANGED, organisation_id=user.organisation_id
    )


def list_accounts() -> list[User]:
    return list(db.session.scalars(sa.select(User).order_by(User.role, User.email)))
