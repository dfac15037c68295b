"""The entrepreneur's steps: fill in, save, hand in, add evidence."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import format_decimal, get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from impactnet.accounts.access import OWN_PARTNER, OWN_PARTNER_OR_STAFF, access
from impactnet.accounts.models import Role
from impactnet.core.rendering import refused, refused_field
from impactnet.extensions import db
from impactnet.journey import documents, editing, services
from impactnet.journey import evidence as files
from impactnet.journey.diff import version_changes
from impactnet.journey.forms import DeleteForm, EvidenceForm, StepForm
from impactnet.journey.history import step_history
from impactnet.journey.labels import STEP_KIND_LABELS, STEP_STATE_LABELS
from impactnet.journey.overview import journey_overview, open_feedback
from impactnet.journey.questionnaire import QUESTIONS
from impactnet.journey.statemachine import TransitionError
from impactnet.organisations.services import visible_organisation
from impactnet.organisations.views import page_parts

bp = Blueprint("journey", __name__, url_prefix="/organisations/<int:organisation_id>")


@page_parts.connect
def _journey_on_organisation_page(organisation, *, today, staff) -> dict:
    """The organisation's page shows where it stands on its path (and for staff, each step's history)."""
    journey = journey_overview(organisation)
    return {
        "journey": journey,
        "step_titles": journey.step_titles,
        "step_history": step_history(organisation) if staff else None,
    }


def _organisation(organisation_id: int, *, editing: bool = False):
    """The organisation if the user may see it; only its own partners may change it."""
    organisation = visible_organisation(current_user, organisation_id) or abort(404)
    if editing and not (current_user.role is Role.PARTNER and current_user.organisation_id == organisation.id):
        abort(403)
    return organisation


@bp.app_context_processor
def _questionnaire():
    return {"questions": QUESTIONS}


@bp.app_template_filter("filesize")
def filesize(size: int) -> str:
    """A file's size as people read it: "850 bytes", "12 kB", "2,4 MB" (decimal sign of the language)."""
    if size < 1000:
        return ngettext("%(num)d byte", "%(num)d bytes", size)
    if size < 1000 * 1000:
        return _("%(size)s kB", size=format_decimal(round(size / 1000)))
    return _("%(size)s MB", size=format_decimal(round(size / (1000 * 1000), 1)))


@bp.app_template_filter("step_state_label")
def step_state_label(state) -> str:
    return str(STEP_STATE_LABELS.get(str(state), state))


@bp.app_template_filter("step_kind_label")
def step_kind_label(kind) -> str:
    return str(STEP_KIND_LABELS.get(str(kind), kind))


def _step_page(organisation, progress, form, status=200):
    submission = progress.current
    editable = current_user.role is Role.PARTNER and services.edit_refusal(progress) is None
    return render_template(
        "journey/step.html",
        organisation=organisation,
        progress=progress,
        form=form,
        editable=editable,
        submission=submission,
        goals=services.active_goals(),
        feedback=open_feedback(progress),
        blocked_by=services.blocking_step(progress),
        refusal=services.edit_refusal(progress),
        missing=services.missing_items(progress, submission),
        changes=version_changes(progress.last_approved, submission),
        offers_document=documents.offers_document(progress.step),
        document=documents.offered_document(progress.step, str(get_locale())),
        contact_email=current_app.config["CONTACT_EMAIL"],
    ), status


def _refusal(error: Exception) -> str:
    """Why a change of the step was refused: the service's reason, or that the step's state allows none."""
    return _("Deze stap kan nu niet worden gewijzigd.") if isinstance(error, TransitionError) else str(error)


def _flash_saved(saved: editing.Saved) -> None:
    if saved.added is not None:
        flash(_("%(name)s is toegevoegd.", name=saved.added.original_name), "success")
    if saved.file_error is not None:
        flash(_("%(error)s Wat u typte, is als concept bewaard.", error=saved.file_error), "error")
    elif saved.not_handed_in is not None:
        flash(
            _("Nog niet ingediend: %(reason)s Wat u typte, is als concept bewaard.", reason=saved.not_handed_in),
            "error",
        )
    elif saved.handed_in:
        flash(_("Ingediend. St MBO beoordeelt uw inzending; u krijgt een e-mail zodra er een besluit is."), "success")
    elif saved.added is None:
        flash(_("Concept opgeslagen."), "success")


@bp.route("/steps/<step_key>", methods=["GET", "POST"])
@access(GET=OWN_PARTNER_OR_STAFF, POST=OWN_PARTNER)
def step(organisation_id: int, step_key: str):
    organisation = _organisation(organisation_id, editing=request.method == "POST")
    progress = services.progress_for(organisation, step_key) or abort(404)
    form = StepForm(progress.step, progress.current)
    if request.method == "POST" and form.validate_on_submit():
        try:
            saved = editing.save_step(
                current_user,
                organisation,
                step_key,
                form.step_input(),
                upload=form.uploaded,
                hand_in=bool(form.submit.data),
            )
        except (services.JourneyError, TransitionError) as error:  # nothing could be saved: the page keeps the texts
            refused(_refusal(error))
            return _step_page(
                organisation,
                services.progress_for(organisation, step_key),
                form,
                409 if isinstance(error, TransitionError) else 422,
            )
        db.session.commit()  # the draft, also when the file or the hand-in was refused
        _flash_saved(saved)
        if saved.file_error or saved.not_handed_in:
            return _step_page(organisation, services.progress_for(organisation, step_key), form, 422)
        return redirect(url_for("journey.step", organisation_id=organisation.id, step_key=step_key))
    return _step_page(organisation, progress, form, 422 if form.errors else 200)


@bp.route("/steps/<step_key>/evidence", methods=["POST"])
@access(OWN_PARTNER)
def upload(organisation_id: int, step_key: str):
    organisation = _organisation(organisation_id, editing=True)
    progress = services.progress_for(organisation, step_key) or abort(404)
    form = EvidenceForm()
    if form.validate_on_submit():
        try:
            item = services.add_evidence(current_user, organisation, step_key, form.file.data)
        except (services.JourneyError, files.EvidenceError, TransitionError) as error:
            refused_field(form.file, _refusal(error))
        else:
            db.session.commit()
            flash(_("%(name)s is toegevoegd.", name=item.original_name), "success")
            return redirect(url_for("journey.step", organisation_id=organisation.id, step_key=step_key))
    for message in form.file.errors:
        flash(message, "error")
    progress = services.progress_for(organisation, step_key)  # fresh after a rollback
    return _step_page(organisation, progress, StepForm(progress.step, progress.current), 422)


@bp.route("/evidence/<int:evidence_id>")
@access(OWN_PARTNER_OR_STAFF)
def download(organisation_id: int, evidence_id: int):
    _organisation(organisation_id)
    item = services.visible_evidence(current_user, organisation_id, evidence_id) or abort(404)
    path = files.stored_path(item.organisation_id, item.stored_name)
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype=item.content_type, as_attachment=True, download_name=item.original_name, max_age=0)


@bp.route("/evidence/<int:evidence_id>/delete", methods=["POST"])
@access(OWN_PARTNER)
def delete_evidence(organisation_id: int, evidence_id: int):
    organisation = _organisation(organisation_id, editing=True)
    item = services.visible_evidence(current_user, organisation_id, evidence_id) or abort(404)
    progress = item.submission.progress
    if not DeleteForm().validate_on_submit():
        abort(400)
    form = StepForm(progress.step, progress.current)
    try:
        if form.posted():  # the button sat inside the step's form: keep what was typed too
            services.save_draft(current_user, organisation, progress.step.key, form.step_input())
        services.remove_evidence(current_user, item)
    except services.JourneyError as error:
        refused(str(error))
        return _step_page(organisation, progress, StepForm(progress.step, progress.current), 409)
    db.session.commit()
    flash(_("Het bestand is verwijderd."), "success")
    return redirect(url_for("journey.step", organisation_id=organisation.id, step_key=progress.step.key))
