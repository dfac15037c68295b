"""St MBO's account manager and notes on an organisation, and "Mijn organisaties" (staff only)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from impactnet.accounts.access import STAFF, access
from impactnet.core.rendering import refused_field
from impactnet.database import local_today
from impactnet.extensions import db
from impactnet.organisations import notes
from impactnet.organisations.models import Organisation
from impactnet.organisations.note_forms import AccountManagerForm, NoteForm
from impactnet.organisations.views import organisation_page

bp = Blueprint("notes", __name__, url_prefix="/organisations")


@bp.app_template_filter("note_kind_label")
def note_kind_label(kind) -> str:
    return str(notes.NOTE_KIND_LABELS.get(kind, kind))


def _organisation_or_404(organisation_id: int) -> Organisation:
    return db.session.get(Organisation, organisation_id) or abort(404)


def _back(organisation: Organisation, anchor: str):
    return redirect(url_for("organisations.show", organisation_id=organisation.id, _anchor=anchor))


@bp.post("/<int:organisation_id>/account-manager")
@access(STAFF)
def set_account_manager(organisation_id: int):
    organisation = _organisation_or_404(organisation_id)
    form = AccountManagerForm()
    if not form.validate_on_submit():
        return organisation_page(organisation, 422, manager_form=form)
    try:
        changed = notes.set_account_manager(current_user, organisation, form.account_manager.data)
    except notes.NoteError as error:
        refused_field(form.account_manager, error.message)
        return organisation_page(_organisation_or_404(organisation_id), 422, manager_form=form)
    db.session.commit()
    flash(_("De relatiebeheerder is opgeslagen.") if changed else _("Er was niets gewijzigd."), "success")
    return _back(organisation, "account-manager")


@bp.post("/<int:organisation_id>/notes")
@access(STAFF)
def add_note(organisation_id: int):
    organisation = _organisation_or_404(organisation_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return organisation_page(organisation, 422, note_form=form)
    try:
        notes.add_note(current_user, organisation, form.note(), local_today())
    except notes.NoteError as error:
        refused_field(getattr(form, error.field), error.message)
        return organisation_page(_organisation_or_404(organisation_id), 422, note_form=form)
    db.session.commit()
    flash(_("De notitie is opgeslagen."), "success")
    return _back(organisation, "notes")


@bp.post("/<int:organisation_id>/notes/<int:note_id>/delete")
@access(STAFF)
def delete_note(organisation_id: int, note_id: int):
    organisation = _organisation_or_404(organisation_id)
    note = notes.note_of(organisation, note_id) or abort(404)  # CSRFProtect has checked the token
    notes.delete_note(current_user, note)
    db.session.commit()
    flash(_("De notitie is verwijderd."), "success")
    return _back(organisation, "notes")
