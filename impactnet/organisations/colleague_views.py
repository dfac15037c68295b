"""Collega's: a partner's users see, invite and remove one another; St MBO does the same from the
organisation's page. Partners of other organisations (and municipality viewers) get 404."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, logout_user

from impactnet.accounts.access import OWN_PARTNER_OR_STAFF, access
from impactnet.accounts.forms import ColleagueInviteForm, ConfirmForm
from impactnet.accounts.mails import colleague_invitation_mail, queue
from impactnet.accounts.tokens import TokenPurpose, max_age
from impactnet.core.rendering import refused, refused_field
from impactnet.extensions import db, limiter
from impactnet.organisations import colleagues as services
from impactnet.organisations.services import visible_organisation

bp = Blueprint("colleagues", __name__, url_prefix="/organisations/<int:organisation_id>/colleagues")


@bp.app_template_global()
def invitation_valid_for() -> str:
    """How long an invitation link works, in words ("7 dagen")."""
    return format_timedelta(timedelta(seconds=max_age(TokenPurpose.INVITATION)), threshold=1)


def _inviter_key() -> str:
    return "colleague-invite:" + (str(current_user.id) if current_user.is_authenticated else get_remote_address())


def _organisation_key() -> str:
    return "colleague-invite-organisation:" + str((request.view_args or {}).get("organisation_id"))


def _sent(response) -> bool:
    return response.status_code == 302


def _limit(setting: str, key_func, **options):
    return limiter.limit(lambda: current_app.config[setting], methods=["POST"], key_func=key_func, **options)


def _organisation(organisation_id: int):
    return visible_organisation(current_user, organisation_id) or abort(404)


def _colleague(organisation, user_id: int):
    return services.colleague(organisation, user_id) or abort(404)


def _back(organisation):
    """Staff work from the organisation's page, partners from their Collega's page."""
    if current_user.is_staff:
        return redirect(url_for("organisations.show", organisation_id=organisation.id, _anchor="collegas"))
    return redirect(url_for("colleagues.index", organisation_id=organisation.id))


def _page(organisation, form=None, status: int = 200):
    return render_template(
        "accounts/colleagues.html",
        organisation=organisation,
        colleagues=services.list_colleagues(organisation),
        invite_form=form or ColleagueInviteForm(formdata=None),
        confirm_form=ConfirmForm(),
    ), status


@bp.route("/")
@access(OWN_PARTNER_OR_STAFF)
def index(organisation_id: int):
    return _page(_organisation(organisation_id))


@bp.route("/invite", methods=["POST"])
@_limit("COLLEAGUE_INVITE_LIMIT_PER_IP", get_remote_address)
@_limit("COLLEAGUE_INVITE_LIMIT_PER_USER", _inviter_key)
@_limit("COLLEAGUE_INVITE_LIMIT_PER_ORGANISATION", _organisation_key, deduct_when=_sent)
@access(OWN_PARTNER_OR_STAFF)
def invite(organisation_id: int):
    organisation = _organisation(organisation_id)
    form = ColleagueInviteForm()
    if not form.validate_on_submit():
        return _page(organisation, form, 422)
    try:
        user = services.invite_colleague(current_user, organisation, form.email.data, form.name.data)
    except services.AccountError as error:
        refused_field(form.email, str(error.args[0]))
        return _page(organisation, form, 409)
    queue(colleague_invitation_mail(user, current_user), "colleague_invitation", user)
    db.session.commit()
    flash(_("Uitnodiging verstuurd naar %(email)s.", email=user.email), "success")
    return _back(organisation)


@bp.route("/<int:colleague_id>/remove", methods=["GET", "POST"])
@access(OWN_PARTNER_OR_STAFF)
def remove(organisation_id: int, colleague_id: int):
    """GET asks to confirm; POST removes."""
    organisation = _organisation(organisation_id)
    user = _colleague(organisation, colleague_id)
    form = ConfirmForm()
    if request.method == "GET" or not form.validate_on_submit():
        if request.method == "POST":
            abort(400)
        refusal = services.removal_refusal(organisation, user)
        if refusal is not None:
            flash(str(refusal), "error")
            return _page(organisation, status=409)
        return render_template(
            "accounts/colleague_remove.html",
            organisation=organisation,
            colleague=user,
            form=form,
            yourself=user.id == current_user.id,
        )
    yourself = user.id == current_user.id
    try:
        services.remove_colleague(current_user, organisation, user)
    except services.ColleagueError as error:
        refused(str(error))
        return _page(organisation, status=409)
    db.session.commit()
    if yourself:
        logout_user()
        flash(
            _("U bent verwijderd als gebruiker van %(organisation)s en uitgelogd.", organisation=organisation.name),
            "success",
        )
        return redirect(url_for("home.home"))
    flash(_("%(name)s is verwijderd en kan niet meer inloggen.", name=user.name or user.email), "success")
    return _back(organisation)


@bp.route("/<int:colleague_id>/withdraw", methods=["POST"])
@access(OWN_PARTNER_OR_STAFF)
def withdraw(organisation_id: int, colleague_id: int):
    organisation = _organisation(organisation_id)
    user = _colleague(organisation, colleague_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    email = user.email
    try:
        services.withdraw_invitation(current_user, organisation, user)
    except services.ColleagueError as error:
        refused(str(error))
        return _page(organisation, status=409)
    db.session.commit()
    flash(_("De uitnodiging voor %(email)s is ingetrokken; de link werkt niet meer.", email=email), "success")
    return _back(organisation)
