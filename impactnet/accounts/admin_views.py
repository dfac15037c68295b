"""Admins manage staff, municipality and admin accounts."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from impactnet.accounts import services
from impactnet.accounts.access import ADMIN, access
from impactnet.accounts.forms import InviteForm, ToggleActiveForm
from impactnet.accounts.labels import ROLE_LABELS
from impactnet.accounts.mails import invitation_mail, queue
from impactnet.accounts.models import Role, User
from impactnet.core.forms import select_choices
from impactnet.core.rendering import refused_field, render_form
from impactnet.extensions import db
from impactnet.regions.services import list_municipalities

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.app_template_filter("role_label")
def role_label(role) -> str:
    return str(ROLE_LABELS.get(str(role), role))


@bp.route("/users")
@access(ADMIN)
def users():
    return render_template("admin/users.html", users=services.list_accounts(), toggle_form=ToggleActiveForm())


@bp.route("/users/new", methods=["GET", "POST"])
@access(ADMIN)
def invite_user():
    form = InviteForm()
    form.municipality.choices = select_choices([("", "—")] + [(m.slug, m.name) for m in list_municipalities()])
    if form.validate_on_submit():
        account = services.NewAccount(
            email=form.email.data,
            role=Role(form.role.data),
            name=form.name.data,
            municipality_slug=form.municipality.data or None,
        )
        try:
            user = services.create_account(current_user, account)
        except services.AccountError as error:
            refused_field(form.email, error.args[0])
        else:
            queue(invitation_mail(user), "invitation", user)
            db.session.commit()
            flash(_("Uitnodiging verstuurd naar %(email)s.", email=user.email), "success")
            return redirect(url_for("admin.users"))
    return render_form("admin/invite.html", form)


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@access(ADMIN)
def toggle_active(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    if not ToggleActiveForm().validate_on_submit():
        abort(400)
    try:
        services.set_active(current_user, user, not user.active)
    except services.AccountError as error:
        flash(error.args[0], "error")
        return render_template("admin/users.html", users=services.list_accounts(), toggle_form=ToggleActiveForm()), 409
    db.session.commit()
    flash(_("Account van %(email)s is bijgewerkt.", email=user.email), "success")
    return redirect(url_for("admin.users"))
