"""St MBO staff: the review queue, decisions, and the label's life."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from impactnet.accounts.access import STAFF, access
from impactnet.core.rendering import filter_arg, refused
from impactnet.database import utcnow
from impactnet.extensions import db
from impactnet.journey import services as journey
from impactnet.journey import statemachine
from impactnet.journey.diff import reviewed_before, version_changes
from impactnet.journey.models import StepSubmission
from impactnet.journey.statemachine import TransitionError
from impactnet.organisations.identity import pending_identity_changes
from impactnet.organisations.models import Organisation
from impactnet.organisations.views import organisation_page, page_parts
from impactnet.regions.services import list_municipalities, municipality_by_slug
from impactnet.review import claims, services
from impactnet.review.forms import (
    ApproveForm,
    ClaimForm,
    ReasonForm,
    RecordStepForm,
    RequestChangesForm,
    TakeOverForm,
)

bp = Blueprint("review", __name__, url_prefix="/review")
# What St MBO may do to an organisation, as the state machine says (templates/organisations/_staff_actions.html).
bp.add_app_template_global(statemachine.can_revoke_label, "can_revoke_label")
bp.add_app_template_global(statemachine.can_withdraw, "can_withdraw")


@page_parts.connect
def _decisions_on_organisation_page(organisation, *, today, staff) -> dict:
    """The organisation's page carries St MBO's decisions (revoke, withdraw, record a step)."""
    return {"reason_form": ReasonForm(), "record_form": RecordStepForm()}


def _not_allowed() -> str:
    return _("Deze beslissing is in de huidige stand niet mogelijk.")


@bp.route("/")
@access(STAFF)
def queue():
    municipality = filter_arg("municipality", municipality_by_slug)
    step = filter_arg("step", journey.step_by_key)
    items = services.review_queue(utcnow(), municipality.id if municipality else None, step.id if step else None)
    return render_template(
        "review/queue.html",
        items=items,
        municipalities=list_municipalities(),
        steps=journey.steps(),
        municipality=municipality,
        step=step,
        now=utcnow(),
        identity_changes=pending_identity_changes(municipality.id if municipality else None),
        claim_form=ClaimForm(),
    )


def _submission_page(submission: StepSubmission, status: int = 200, approve_form=None, changes_form=None):
    progress, earlier = submission.progress, reviewed_before(submission)
    return render_template(
        "review/submission.html",
        submission=submission,
        progress=progress,
        organisation=progress.organisation,
        approve_form=approve_form or ApproveForm(),
        changes_form=changes_form or RequestChangesForm(),
        earlier=earlier,
        changes=version_changes(earlier, submission),
        claim_form=ClaimForm(formdata=None),
        take_over_form=TakeOverForm(formdata=None, claimant=submission.claimed_by_id),
    ), status


@bp.route("/submissions/<int:submission_id>")
@access(STAFF)
def submission(submission_id: int):
    return _submission_page(db.session.get(StepSubmission, submission_id) or abort(404))


def _decide(submission_id: int, form, decide):
    submission = db.session.get(StepSubmission, submission_id) or abort(404)
    if not form.validate_on_submit():
        return _submission_page(
            submission, 422, **{"approve_form" if isinstance(form, ApproveForm) else "changes_form": form}
        )
    try:
        decide(submission, form)
    except services.DecisionConflict as error:
        refused(str(error))
        return _submission_page(db.session.get(StepSubmission, submission_id), 409)
    except (journey.JourneyError, TransitionError) as error:
        refused(str(error) if isinstance(error, journey.JourneyError) else _not_allowed())
        return _submission_page(db.session.get(StepSubmission, submission_id), 409)
    db.session.commit()
    flash(_("Uw beslissing is vastgelegd."), "success")
    return redirect(url_for("review.queue"))


@bp.route("/submissions/<int:submission_id>/approve", methods=["POST"])
@access(STAFF)
def approve(submission_id: int):
    return _decide(
        submission_id,
        ApproveForm(),
        lambda submission, form: services.approve(current_user, submission, form.note.data or ""),
    )


@bp.route("/submissions/<int:submission_id>/request-changes", methods=["POST"])
@access(STAFF)
def request_changes(submission_id: int):
    return _decide(
        submission_id,
        RequestChangesForm(),
        lambda submission, form: services.request_changes(current_user, submission, form.feedback.data),
    )


def _claim_action(submission_id: int, form, act, done: str):
    """Claim, release or take over: 409 with the colleague's move when the claim changed meanwhile."""
    submission = db.session.get(StepSubmission, submission_id) or abort(404)
    if not form.validate_on_submit():
        flash(_("Vernieuw de pagina en probeer het opnieuw."), "error")
        return _submission_page(submission, 422)
    try:
        act(submission, form)
    except claims.ClaimConflict as error:
        refused(str(error))
        return _submission_page(db.session.get(StepSubmission, submission_id), 409)
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("review.submission", submission_id=submission_id))


@bp.route("/submissions/<int:submission_id>/claim", methods=["POST"])
@access(STAFF)
def claim(submission_id: int):
    return _claim_action(
        submission_id,
        ClaimForm(),
        lambda submission, form: claims.claim(current_user, submission),
        _("U heeft deze inzending opgepakt; collega's zien dat in de wachtrij."),
    )


@bp.route("/submissions/<int:submission_id>/release", methods=["POST"])
@access(STAFF)
def release(submission_id: int):
    return _claim_action(
        submission_id,
        ClaimForm(),
        lambda submission, form: claims.release(current_user, submission),
        _("De inzending is vrijgegeven; een collega kan hem oppakken."),
    )


@bp.route("/submissions/<int:submission_id>/take-over", methods=["POST"])
@access(STAFF)
def take_over(submission_id: int):
    return _claim_action(
        submission_id,
        TakeOverForm(),
        lambda submission, form: claims.take_over(current_user, submission, form.claimant.data),
        _("U heeft de inzending overgenomen."),
    )


def _organisation_action(organisation_id: int, form, act, done: str):
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return organisation_page(organisation, 422)
    try:
        act(organisation, form)
    except LookupError:
        abort(404)
    except (journey.JourneyError, TransitionError) as error:
        refused(str(error) if isinstance(error, journey.JourneyError) else _not_allowed())
        return organisation_page(db.session.get(Organisation, organisation_id), 409)
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("organisations.show", organisation_id=organisation_id))


@bp.route("/organisations/<int:organisation_id>/steps/<step_key>/record", methods=["POST"])
@access(STAFF)
def record_step(organisation_id: int, step_key: str):
    return _organisation_action(
        organisation_id,
        RecordStepForm(),
        lambda organisation, form: services.record_staff_step(current_user, organisation, step_key, form.note.data),
        _("De stap is vastgelegd."),
    )


@bp.route("/organisations/<int:organisation_id>/revoke", methods=["POST"])
@access(STAFF)
def revoke(organisation_id: int):
    return _organisation_action(
        organisation_id,
        ReasonForm(),
        lambda organisation, form: services.revoke_label(current_user, organisation, form.reason.data),
        _("Het label is ingetrokken."),
    )


@bp.route("/organisations/<int:organisation_id>/withdraw", methods=["POST"])
@access(STAFF)
def withdraw(organisation_id: int):
    return _organisation_action(
        organisation_id,
        ReasonForm(),
        lambda organisation, form: services.withdraw(current_user, organisation, form.reason.data),
        _("De organisatie is afgemeld."),
    )
