"""Changes of an organisation's KvK number or name: St MBO decides, the partner may withdraw."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from impactnet.accounts.access import OWN_PARTNER, STAFF, access
from impactnet.accounts.models import Role
from impactnet.core.rendering import refused
from impactnet.database import local_today
from impactnet.extensions import db
from impactnet.organisations import identity
from impactnet.organisations.forms import ApproveIdentityForm, RejectIdentityForm, WithdrawIdentityForm
from impactnet.organisations.models import IdentityChange, IdentityChangeState
from impactnet.organisations.services import visible_organisation
from impactnet.organisations.views import organisation_page

bp = Blueprint("identity", __name__)

STATE_LABELS = {
    IdentityChangeState.PENDING: _l("Wacht op St MBO"),
    IdentityChangeState.APPROVED: _l("Goedgekeurd"),
    IdentityChangeState.REJECTED: _l("Afgewezen"),
    IdentityChangeState.WITHDRAWN: _l("Ingetrokken"),
}


@bp.app_template_filter("identity_state_label")
def identity_state_label(state) -> str:
    return str(STATE_LABELS.get(state, state))


def _change_or_404(change_id: int) -> IdentityChange:
    change = db.session.get(IdentityChange, change_id)
    if change is None or change.organisation.erased_at is not None:
        abort(404)
    return change


def _page(change: IdentityChange, status: int = 200, approve_form=None, reject_form=None):
    return render_template(
        "organisations/identity_change.html",
        change=change,
        organisation=change.organisation,
        today=local_today(),
        approve_form=approve_form or ApproveIdentityForm(formdata=None),
        reject_form=reject_form or RejectIdentityForm(formdata=None),
    ), status


@bp.get("/review/identity-changes/<int:change_id>")
@access(STAFF)
def show(change_id: int):
    return _page(_change_or_404(change_id))


def _decide(change_id: int, form, form_name: str, decide, done: str):
    change = _change_or_404(change_id)
    if not form.validate_on_submit():
        return _page(change, 422, **{form_name: form})
    try:
        decide(change, form)
    except identity.IdentityError as error:  # a colleague decided first, or the number was taken meanwhile
        refused(str(error))
        return _page(db.session.get(IdentityChange, change_id), 409)
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("review.queue"))


@bp.post("/review/identity-changes/<int:change_id>/approve")
@access(STAFF)
def approve(change_id: int):
    return _decide(
        change_id,
        ApproveIdentityForm(),
        "approve_form",
        lambda change, form: identity.approve(current_user, change, form.note.data or ""),
        _("De wijziging is goedgekeurd. De organisatie heeft nu de nieuwe naam en het nieuwe KvK-nummer."),
    )


@bp.post("/review/identity-changes/<int:change_id>/reject")
@access(STAFF)
def reject(change_id: int):
    return _decide(
        change_id,
        RejectIdentityForm(),
        "reject_form",
        lambda change, form: identity.reject(current_user, change, form.reason.data or ""),
        _("De wijziging is afgewezen. De organisatie krijgt een e-mail met uw reden."),
    )


@bp.post("/organisations/<int:organisation_id>/identity-change/withdraw")
@access(OWN_PARTNER)
def withdraw(organisation_id: int):
    organisation = visible_organisation(current_user, organisation_id) or abort(404)
    if not (current_user.role is Role.PARTNER and current_user.organisation_id == organisation.id):
        abort(403)  # staff reject a request instead
    if not WithdrawIdentityForm().validate_on_submit():
        abort(400)
    change = identity.pending_change(organisation)
    try:
        if change is None:
            raise identity.IdentityConflict.already_decided()
        identity.withdraw(current_user, change)
    except identity.IdentityError as error:
        refused(str(error))
        return organisation_page(db.session.get(type(organisation), organisation_id), 409)
    db.session.commit()
    flash(_("Uw verzoek om naam of KvK-nummer te wijzigen is ingetrokken."), "success")
    return redirect(url_for("organisations.show", organisation_id=organisation.id))
