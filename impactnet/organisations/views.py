"""An organisation's own page (partners) and the organisation list (staff)."""

from __future__ import annotations

from blinker import Namespace
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from impactnet.accounts.access import OWN_PARTNER_OR_STAFF, access
from impactnet.accounts.forms import ColleagueInviteForm, ConfirmForm
from impactnet.core.rendering import refused, refused_field
from impactnet.database import local_today
from impactnet.extensions import db
from impactnet.organisations import identity, services
from impactnet.organisations.choices import SECTORS, SIZE_CLASSES, STATUS_LABELS, label_for
from impactnet.organisations.colleagues import list_colleagues
from impactnet.organisations.forms import OrganisationForm, WithdrawIdentityForm
from impactnet.organisations.management import management_context

bp = Blueprint("organisations", __name__, url_prefix="/organisations")

page_parts = Namespace().signal("organisation-page-parts")
"""Sent while an organisation's page is built (sender: the organisation; ``today``, ``staff``: whether
a staff member looks). Each receiver returns its part of the page's context: the journey, the public
label check, St MBO's decisions, erasure. Those packages sit above organisations (README, Layout), so
they add to the page rather than the page importing them; blinker is what Flask's own signals use."""


@bp.app_template_filter("status_label")
def status_label(status) -> str:
    return str(STATUS_LABELS.get(str(status), status))


@bp.app_template_filter("sector_label")
def sector_label(key: str) -> str:
    return label_for(SECTORS, key)


@bp.app_template_filter("size_label")
def size_label(key: str) -> str:
    return label_for(SIZE_CLASSES, key)


def _visible_or_404(organisation_id: int):
    return services.visible_organisation(current_user, organisation_id) or abort(404)


def organisation_page(organisation, status: int = 200, **forms):
    """The organisation's page: details, identity, history (and for staff the colleagues, the account
    manager and notes); the packages above this one add their parts through :data:`page_parts`.
    ``forms`` are forms to show again with their errors, by their name on the page (``note_form``,
    ``manager_form``, ``erase_form``)."""
    today, staff = local_today(), current_user.is_staff
    history = services.history(organisation, staff=staff)
    context = {
        "organisation": organisation,
        "history": history,
        "today": today,
        "pending_identity": identity.pending_change(organisation),
        "former_identities": identity.identity_history(organisation),
        "withdraw_form": WithdrawIdentityForm(),
        **_colleagues_context(organisation),
        **(management_context(organisation, history) if staff else {}),
    }
    for _receiver, part in page_parts.send(organisation, today=today, staff=staff):
        context.update(part)
    context.update(forms)
    return render_template("organisations/show.html", **context), status


def _colleagues_context(organisation) -> dict:
    """St MBO sees, invites and removes the organisation's users on its page (partners on Collega's)."""
    if not current_user.is_staff:
        return {}
    return {
        "colleagues": list_colleagues(organisation),
        "invite_form": ColleagueInviteForm(formdata=None),
        "confirm_form": ConfirmForm(),
    }


@bp.route("/<int:organisation_id>")
@access(OWN_PARTNER_OR_STAFF)
def show(organisation_id: int):
    return organisation_page(_visible_or_404(organisation_id))


@bp.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
@access(OWN_PARTNER_OR_STAFF)
def edit(organisation_id: int):
    organisation = _visible_or_404(organisation_id)
    form = OrganisationForm(obj=organisation)
    if not form.is_submitted():
        _show_wanted_identity(form, organisation)
    if form.validate_on_submit():
        try:
            saved = identity.save_details(current_user, organisation, form.details())
        except services.RegistrationError as error:
            refused_field(getattr(form, error.field), error.message)
        except identity.IdentityError as error:  # a colleague asked or St MBO decided a moment earlier
            refused(str(error))
            form = OrganisationForm(formdata=None, obj=organisation)
            _show_wanted_identity(form, organisation)
            return _edit_page(organisation, form, 409)
        else:
            db.session.commit()
            _flash_saved(saved)
            return redirect(url_for("organisations.show", organisation_id=organisation.id))
    return _edit_page(organisation, form, 422 if form.errors else 200)


def _show_wanted_identity(form: OrganisationForm, organisation) -> None:
    wanted = identity.form_identity(current_user, organisation)
    form.kvk_number.data, form.name.data = wanted["kvk_number"], wanted["name"]


def _edit_page(organisation, form, status: int):
    return render_template(
        "organisations/edit.html",
        form=form,
        organisation=organisation,
        pending_identity=identity.pending_change(organisation),
        withdraw_form=WithdrawIdentityForm(formdata=None),
    ), status


IDENTITY_MESSAGES = {
    identity.IdentityOutcome.REQUESTED: _l(
        "De nieuwe naam of het nieuwe KvK-nummer is naar St MBO gestuurd. "
        "Tot St MBO de wijziging goedkeurt, gelden de huidige naam en het "
        "huidige KvK-nummer."
    ),
    identity.IdentityOutcome.STILL_PENDING: _l("Uw wijziging van naam of KvK-nummer wacht nog op St MBO."),
    identity.IdentityOutcome.WITHDRAWN: _l("Uw verzoek om naam of KvK-nummer te wijzigen is ingetrokken."),
    identity.IdentityOutcome.APPLIED: _l("De naam en het KvK-nummer zijn gewijzigd en vastgelegd in de geschiedenis."),
}


def _flash_saved(saved: identity.Saved) -> None:
    if saved.changed:
        flash(_("De gegevens zijn opgeslagen."), "success")
    if saved.identity in IDENTITY_MESSAGES:
        flash(str(IDENTITY_MESSAGES[saved.identity]), "success")
    elif not saved.changed:
        flash(_("Er was niets gewijzigd."), "success")
