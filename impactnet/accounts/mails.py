"""The mails of the account flows, with links built on PUBLIC_URL."""
from __future__ import annotations

import logging

from flask import current_app, flash, url_for
from flask_babel import gettext as _

from impactnet.accounts.models import User
from impactnet.accounts.tokens import TokenPurpose, make_token
from impactnet.notifications.mail import MailError, send_mail

log = logging.getLogger(__name__)


def public_url(endpoint: str, **values) -> str:
    return current_app.config["PUBLIC_URL"] + url_for(endpoint, **values)


def send_verification_mail(user: User) -> None:
    link = public_url("accounts.verify_email", token=make_token(TokenPurpose.VERIFY_EMAIL, user))
    send_mail(user.email, _("Bevestig uw e-mailadres voor impactnet"), "verify_email", user=user, link=link)


def send_password_reset_mail(user: User) -> None:
    link = public_url("accounts.reset_password", token=make_token(TokenPurpose.RESET_PASSWORD, user))
    send_mail(user.email, _("Nieuw wachtwoord instellen voor impactnet"), "reset_password", user=user, link=link)


def send_invitation_mail(user: User) -> None:
    link = public_url("accounts.accept_invitation", token=make_token(TokenPurpose.INVITATION, user))
    send_mail(user.email, _("Uitnodiging voor impactnet"), "invitation", user=user, link=link)


def send_or_warn(send, user: User) -> bool:
    """Send an account mail from a view; a mail server problem must not lose
    the user's work, so it becomes a warning on the page instead of an error."""
    try:
        send(user)
    except MailError:
        log.exception("account mail to user %s failed", user.id)
        flash(_("De e-mail kon nu niet worden verstuurd. Probeer het later opnieuw."), "warning")
        return False
    return True
