"""The mails of the account flows, with links built on PUBLIC_URL."""

from __future__ import annotations

import uuid
from datetime import timedelta
from email.message import EmailMessage

from flask_babel import force_locale, format_timedelta
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from impactnet.accounts.models import User
from impactnet.accounts.services import normalise_email
from impactnet.accounts.tokens import TokenPurpose, make_token, max_age
from impactnet.core.locale import recipient_locale
from impactnet.mail.messages import build_message, public_url
from impactnet.mail.outbox import enqueue


def _link_mail(user: User, purpose: TokenPurpose, endpoint: str, subject, template: str) -> EmailMessage:
    """A mail with a signed link, in the user's language (``subject`` is a lazy string)."""
    link = public_url(endpoint, token=make_token(purpose, user))
    with force_locale(recipient_locale(user)):
        valid_for = format_timedelta(timedelta(seconds=max_age(purpose)), threshold=1)
        return build_message(user.email, str(subject), template, user=user, link=link, valid_for=valid_for)


def verification_mail(user: User) -> EmailMessage:
    return _link_mail(
        user,
        TokenPurpose.VERIFY_EMAIL,
        "accounts.verify_email",
        _l("Bevestig uw e-mailadres voor impactnet"),
        "verify_email",
    )


def password_reset_mail(user: User) -> EmailMessage:
    return _link_mail(
        user,
        TokenPurpose.RESET_PASSWORD,
        "accounts.reset_password",
        _l("Nieuw wachtwoord instellen voor impactnet"),
        "reset_password",
    )


def invitation_mail(user: User) -> EmailMessage:
    return _link_mail(
        user, TokenPurpose.INVITATION, "accounts.accept_invitation", _l("Uitnodiging voor impactnet"), "invitation"
    )


def colleague_invitation_mail(user: User, inviter: User) -> EmailMessage:
    """The invitation to join a partner organisation, in the invitee's language (the inviter's)."""
    link = public_url("accounts.accept_invitation", token=make_token(TokenPurpose.INVITATION, user))
    with force_locale(recipient_locale(user)):
        valid_for = format_timedelta(timedelta(seconds=max_age(TokenPurpose.INVITATION)), threshold=1)
        return build_message(
            user.email,
            _("Uitnodiging voor %(organisation)s op impactnet", organisation=" ".join(user.organisation.name.split())),
            "colleague_invitation",
            user=user,
            link=link,
            valid_for=valid_for,
            organisation=user.organisation,
            inviter=inviter,
        )


def queue(message: EmailMessage, kind: str, user: User | None, organisation_id: int | None = None) -> None:
    """Put an account mail in the outbox, in the caller's transaction."""
    enqueue(
        message,
        dedupe_key=f"{kind}:{user.id if user else '-'}:{uuid.uuid4().hex}",
        kind=kind,
        organisation_id=user.organisation_id if user else organisation_id,
    )


def registration_mail(registration, contact, kvk_number: str) -> None:
    """Queue the one mail a registration sends (the page says the same in every case):
    the confirmation link to a new account; to an address that has an account already, a note
    with the ways in; to a new address whose organisation is registered already, how to get in."""
    if registration.user is not None:
        queue(verification_mail(registration.user), "verify_email", registration.user)
    elif registration.existing_user is not None:
        user = registration.existing_user
        with force_locale(recipient_locale(user)):
            message = build_message(
                user.email,
                _("Aanmelding bij impactnet met uw e-mailadres"),
                "account_exists",
                user=user,
                login_link=public_url("accounts.login"),
                reset_link=public_url("accounts.request_password_reset"),
            )
        queue(message, "account_exists", user)
    else:
        with force_locale(recipient_locale(contact)):
            message = build_message(
                normalise_email(contact.email),
                _("Uw organisatie is al aangemeld bij impactnet"),
                "organisation_known",
                kvk_number=kvk_number,
                login_link=public_url("accounts.login"),
            )
        queue(message, "organisation_known", None, organisation_id=registration.known_organisation.id)
