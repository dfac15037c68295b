"""Registering an organisation online: the form that makes the organisation, its first user and
the mail that confirms the address (at /register, beside sign-in)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, session, url_for
from flask_babel import get_locale
from flask_login import current_user

from impactnet.accounts.access import EVERYONE, access
from impactnet.accounts.mails import registration_mail
from impactnet.accounts.services import normalise_email
from impactnet.accounts.views import limit_posts
from impactnet.core.rendering import refused_field, render_form
from impactnet.extensions import db
from impactnet.organisations.forms import RegistrationForm
from impactnet.organisations.services import Contact, RegistrationError, register_organisation

bp = Blueprint("registration", __name__)
REGISTERED_EMAIL = "registered_email"


@bp.route("/register", methods=["GET", "POST"])
@limit_posts("REGISTRATION_LIMIT_PER_IP")
@access(EVERYONE)
def register():
    if current_user.is_authenticated:
        return redirect(url_for("home.dashboard"))
    form = RegistrationForm()
    if form.validate_on_submit():
        contact = Contact(
            name=form.contact_name.data, email=form.email.data, password=form.password.data, locale=str(get_locale())
        )
        try:
            registration = register_organisation(form.details(), contact)
        except RegistrationError as error:
            refused_field(getattr(form, error.field), error.message)
        else:
            registration_mail(registration, contact, form.kvk_number.data)
            db.session.commit()
            # The same answer whatever the mail says: a new account, an address with one, a known organisation.
            session[REGISTERED_EMAIL] = normalise_email(contact.email)
            return redirect(url_for("registration.registered"))
    return render_form("registration/register.html", form)


@bp.route("/register/sent")
@access(EVERYONE)
def registered():
    return render_template("registration/registered.html", email=session.get(REGISTERED_EMAIL))
