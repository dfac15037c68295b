"""Sign-in, sign-out and the links that arrive by mail (registering an organisation is
:mod:`impactnet.organisations.registration`)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from impactnet.accounts import requests as account_requests
from impactnet.accounts import services, sessions
from impactnet.accounts.access import EVERYONE, SIGNED_IN, access
from impactnet.accounts.forms import (
    ChangePasswordForm,
    EmailForm,
    LoginForm,
    LogoutForm,
    NewPasswordForm,
    RemindersForm,
    ResendVerificationForm,
)
from impactnet.accounts.mails import queue, verification_mail
from impactnet.accounts.tokens import TokenError, TokenPurpose
from impactnet.core.rendering import render_form, safe_next
from impactnet.extensions import db, limiter

bp = Blueprint("accounts", __name__)


def _sign_in(user, remember: bool = False) -> None:
    """Start a sign-in kept on the server, commit, and give the browser its cookies."""
    sessions.start_session(user, remember=remember)
    db.session.commit()
    login_user(user, remember=remember)


def _login_failed(response) -> bool:
    return response.status_code == 401


def _form_email() -> str:
    return services.normalise_email(request.form.get("email", ""))[:254]


def _login_email() -> str:
    return "login:" + _form_email()


def _reset_email() -> str:
    return "reset:" + _form_email()


def _own_email() -> str:
    """The signed-in user's address (anonymous requests are sent to the login page by the view)."""
    return "resend:" + (current_user.email if current_user.is_authenticated else get_remote_address())


def limit_posts(setting: str, **options):
    """Flask-Limiter's limit on POSTs, as many as the config ``setting`` allows (by client address
    unless ``key_func`` says otherwise)."""
    options.setdefault("key_func", get_remote_address)
    return limiter.limit(lambda: current_app.config[setting], methods=["POST"], **options)


LOGIN_EMAIL = "login_email"  # the address a confirmation link just confirmed: the login form has it filled in


@bp.route("/login", methods=["GET", "POST"])
@limit_posts("LOGIN_LIMIT_PER_IP", deduct_when=_login_failed)
@limit_posts("LOGIN_LIMIT_PER_ACCOUNT", key_func=_login_email, deduct_when=_login_failed)
@access(EVERYONE)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.dashboard"))
    form = LoginForm(email=session.pop(LOGIN_EMAIL, None))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            _sign_in(user, remember=bool(form.remember.data))
            return redirect(safe_next(request.args.get("next")) or url_for("home.dashboard"))
        flash(_("Deze combinatie van e-mailadres en wachtwoord is onbekend."), "error")
        return render_template("accounts/login.html", form=form), 401
    return render_form("accounts/login.html", form)


@bp.route("/logout", methods=["GET", "POST"])
@access(EVERYONE)
def logout():
    form = LogoutForm()
    if request.method == "POST" and form.validate_on_submit():
        if current_user.is_authenticated:
            sessions.end_session(current_user.session_token)
            db.session.commit()
        logout_user()
        flash(_("U bent uitgelogd."), "success")
        return redirect(url_for("home.home"))
    return render_form("accounts/logout.html", form, devices=_devices())


def _devices() -> int:
    return sessions.live_sessions(current_user) if current_user.is_authenticated else 0


@bp.route("/logout/everywhere", methods=["POST"])
@access(SIGNED_IN)
def logout_everywhere():
    """Sign out on every device: every sign-in of this user ends, this one included."""
    if not LogoutForm().validate_on_submit():
        abort(400)
    sessions.end_all_sessions(current_user)
    db.session.commit()
    logout_user()
    flash(_("U bent op alle apparaten uitgelogd."), "success")
    return redirect(url_for("home.home"))


@bp.route("/verify-email/<token>")
@access(EVERYONE)
def verify_email(token: str):
    try:
        user = services.verify_email(token)
    except TokenError as error:
        message = _("Deze bevestigingslink is verlopen.") if error.expired else _("Deze bevestigingslink is ongeldig.")
        return render_template("accounts/link_invalid.html", message=message), 400
    db.session.commit()
    if current_user.is_authenticated:
        flash(_("Uw e-mailadres is bevestigd."), "success")
        return redirect(url_for("home.dashboard"))
    session[LOGIN_EMAIL] = user.email
    flash(_("Uw e-mailadres is bevestigd. Log in met uw wachtwoord om verder te gaan."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/verify-email/resend", methods=["POST"])
@limit_posts("VERIFY_RESEND_LIMIT_PER_IP")
@limit_posts("VERIFY_RESEND_LIMIT_PER_ACCOUNT", key_func=_own_email)
@access(SIGNED_IN)
def resend_verification():
    if ResendVerificationForm().validate_on_submit() and not current_user.email_verified:
        queue(verification_mail(current_user), "verify_email", current_user)
        db.session.commit()
        flash(_("We hebben de bevestigingsmail opnieuw verstuurd naar %(email)s.", email=current_user.email), "success")
    return redirect(url_for("home.dashboard"))


@bp.route("/reset-password", methods=["GET", "POST"])
@limit_posts("PASSWORD_RESET_LIMIT_PER_IP")
@limit_posts("PASSWORD_RESET_LIMIT_PER_ACCOUNT", key_func=_reset_email)
@access(EVERYONE)
def request_password_reset():
    form = EmailForm()
    if form.validate_on_submit():
        # The same work and answer whether or not the address has an account: the worker looks it up.
        account_requests.request_password_reset(form.email.data)
        db.session.commit()
        flash(
            _(
                "Als er een account bij dit e-mailadres hoort, ontvangt u binnen enkele minuten een link om een nieuw wachtwoord in te stellen."
            ),
            "info",
        )
        return redirect(url_for("accounts.login"))
    return render_form("accounts/reset_request.html", form)


def _link_refused(purpose: TokenPurpose, error: TokenError) -> str:
    if purpose is TokenPurpose.INVITATION:
        return (
            _("Deze uitnodiging is verlopen. Vraag degene die u uitnodigde om u opnieuw uit te nodigen.")
            if error.expired
            else _(
                "Deze uitnodiging is ongeldig, ingetrokken of al gebruikt. Heeft u uw "
                "wachtwoord al gekozen? Log dan in."
            )
        )
    return (
        _("Deze link is verlopen. Vraag een nieuwe aan.")
        if error.expired
        else _("Deze link is ongeldig of al gebruikt.")
    )


def _password_link_page(purpose: TokenPurpose, token: str, heading: str, done_message: str):
    try:
        user = services.user_for_password_token(purpose, token)
    except TokenError as error:
        return render_template("accounts/link_invalid.html", message=_link_refused(purpose, error)), 400
    form = NewPasswordForm()
    if form.validate_on_submit():
        user = services.reset_password(purpose, token, form.password.data)
        _sign_in(user)
        flash(done_message, "success")
        return redirect(url_for("home.dashboard"))
    return render_form("accounts/set_password.html", form, heading=heading, user=user)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@access(EVERYONE)
def reset_password(token: str):
    return _password_link_page(
        TokenPurpose.RESET_PASSWORD, token, _("Kies een nieuw wachtwoord"), _("Uw nieuwe wachtwoord is opgeslagen.")
    )


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@access(EVERYONE)
def accept_invitation(token: str):
    return _password_link_page(
        TokenPurpose.INVITATION,
        token,
        _("Welkom bij impactnet: kies uw wachtwoord"),
        _("Welkom bij impactnet. Uw wachtwoord is ingesteld."),
    )


@bp.route("/account/password", methods=["GET", "POST"])
@access(SIGNED_IN)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except services.AccountError as error:
            form.current_password.errors.append(error.args[0])
        else:
            db.session.commit()
            flash(_("Uw wachtwoord is gewijzigd. Andere apparaten zijn uitgelogd."), "success")
            return redirect(url_for("home.dashboard"))
    return render_form("accounts/change_password.html", form, devices=_devices())


@bp.route("/account/reminders", methods=["GET", "POST"])
@access(SIGNED_IN)
def reminders():
    form = RemindersForm(enabled=current_user.reminders_enabled)
    if form.validate_on_submit():
        services.set_reminders(current_user, form.enabled.data)
        db.session.commit()
        flash(
            _("U ontvangt herinneringen per e-mail.")
            if form.enabled.data
            else _("U ontvangt geen herinneringen per e-mail meer."),
            "success",
        )
        return redirect(url_for("accounts.reminders"))
    return render_form("accounts/reminders.html", form)
