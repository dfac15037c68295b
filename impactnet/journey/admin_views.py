"""Staff keep the path: step texts and reminder intervals, and the Drechtse Doelen."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from impactnet.accounts.access import STAFF, access
from impactnet.audit.models import AuditAction
from impactnet.audit.services import apply_changes
from impactnet.core.locale import localized
from impactnet.core.rendering import refused_field, render_form
from impactnet.extensions import db
from impactnet.journey import documents, services
from impactnet.journey.evidence import EvidenceError
from impactnet.journey.forms import GoalForm, StepDocumentForm, StepTextForm
from impactnet.journey.models import DrechtsDoel

bp = Blueprint("path", __name__, url_prefix="/path")

STEP_FIELDS = (
    "title",
    "explanation",
    "requirements",
    "title_en",
    "explanation_en",
    "requirements_en",
    "evidence_required",
    "reminder_days",
)
GOAL_FIELDS = ("title", "description", "title_en", "description_en", "active")


@bp.route("/")
@access(STAFF)
def index():
    goals = db.session.scalars(sa.select(DrechtsDoel).order_by(DrechtsDoel.number))
    return render_template("path/index.html", steps=services.steps(), goals=list(goals))


def _texts(form, names) -> dict:
    """The form's values; an empty English text is stored as None (English pages then show the Dutch)."""
    return {name: (form[name].data or None) if name.endswith("_en") else form[name].data for name in names}


@bp.route("/steps/<step_key>", methods=["GET", "POST"])
@access(STAFF)
def edit_step(step_key: str):
    step = services.step_by_key(step_key) or abort(404)
    form = StepTextForm(obj=step)
    if form.validate_on_submit():
        apply_changes(current_user, step, _texts(form, STEP_FIELDS), AuditAction.STEP_UPDATED)
        db.session.commit()
        flash(_("Stap ‘%(title)s’ is opgeslagen.", title=localized(step, "title")), "success")
        return redirect(url_for("path.index"))
    return _step_page(step, form, StepDocumentForm(), 422 if form.errors else 200)


def _step_page(step, form, document_form, status: int):
    return render_template(
        "path/step.html",
        step=step,
        form=form,
        document_form=document_form,
        heading=localized(step, "title"),
        offers_document=documents.offers_document(step),
        versions=documents.document_versions(step),
        language_names=documents.LANGUAGE_NAMES,
    ), status


@bp.route("/steps/<step_key>/documents", methods=["POST"])
@access(STAFF)
def upload_document(step_key: str):
    step = services.step_by_key(step_key) or abort(404)
    if not documents.offers_document(step):
        abort(404)
    form = StepDocumentForm()
    if form.validate_on_submit():
        try:
            document = documents.add_document(current_user, step, form.language.data, form.document.data)
        except (EvidenceError, documents.DocumentRaceError) as error:  # nothing saved, nothing left on disk
            refused_field(form.document, str(error))
            return _step_page(
                step,
                StepTextForm(obj=step, formdata=None),
                form,
                409 if isinstance(error, documents.DocumentRaceError) else 422,
            )
        db.session.commit()
        flash(
            _(
                "Versie %(version)d van het document (%(language)s) is geüpload.",
                version=document.version,
                language=documents.LANGUAGE_NAMES[document.language],
            ),
            "success",
        )
        return redirect(url_for("path.edit_step", step_key=step.key) + "#documents")
    return _step_page(step, StepTextForm(obj=step, formdata=None), form, 422)


@bp.route("/goals/<int:number>", methods=["GET", "POST"])
@access(STAFF)
def edit_goal(number: int):
    goal = db.session.scalar(sa.select(DrechtsDoel).where(DrechtsDoel.number == number)) or abort(404)
    form = GoalForm(obj=goal)
    if form.validate_on_submit():
        apply_changes(current_user, goal, _texts(form, GOAL_FIELDS), AuditAction.GOAL_UPDATED)
        db.session.commit()
        flash(_("Drechts Doel %(number)d is opgeslagen.", number=goal.number), "success")
        return redirect(url_for("path.index"))
    return render_form("path/edit.html", form, heading=_("Drechts Doel %(number)d", number=goal.number))
