"""The mails of the account flows, with links built on PUBLIC_URL."""
from __future__ import annotations

import uuid
from datetime import timedelta
from email.message import EmailMessage

from flask import current_app, url_for
from flask_babel import force_locale, format_timedelta
from flask_babel import lazy_gettext as _l

from impactnet.accounts.models import User
from impactnet.accounts.tokens import TokenPurpose, make_token, max_age
from impactnet.core.locale import recipient_locale
from impactnet.notifications.mail import build_message
from impactnet.notifications.outbox import enqueue


def public_url(endpoint: str, **values) -> str:
    return current_app.config["PUBLIC_URL"] + url_for(endpoint, **values)


def _link_mail(user: User, purpose: TokenPurpose, endpoint: str, subject, template: str) -> EmailMessage:
    """A mail with a signed link, in the user's language (``subject`` is a lazy string)."""
    link = public_url(endpoint, token=make_token(purpose, user))
    with force_locale(recipient_locale(user)):
        valid_for = format_timedelta(timedelta(seconds=max_age(purpose)), threshold=1)
        return build_message(user.email, str(subject), template, user=user, link=link, valid_for=valid_for)


def verification_mail(user: User) -> EmailMessage:
    return _link_mail(user, TokenPurpose.VERIFY_EMAIL, "accounts.verify_email",
                      _l("Bevestig uw e-mailadres voor impactnet"), "verify_email")


def password_reset_mail(user: User) -> EmailMessage:
    return _link_mail(user, TokenPurpose.RESET_PASSWORD, "accounts.reset_password",
                      _l("Nieuw wachtwoord instellen voor impactnet"), "reset_password")


def invitation_mail(user: User) -> EmailMessage:
    return _link_mail(user, TokenPurpose.INVITATION, "accounts.accept_invitation",
                      _l("Uitnodiging voor impactnet"), "invitation")


def queue(message: EmailMessage, kind: str, user: User) -> None:
    """Put an account mail in the outbox, in the caller's transaction."""
    enqueue(message, dedupe_key=f"{kind}:{user.id}:{uuid.uuid4().hex}", kind=kind,
            organisation_id=user.organisation_id)
