"""Staff bring the existing network in: upload St MBO's list, see the dry run, confirm the import."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from impactnet.accounts.access import STAFF, access
from impactnet.extensions import db
from impactnet.imports import services
from impactnet.imports.forms import ImportConfirmForm, ImportUploadForm

bp = Blueprint("imports", __name__, url_prefix="/organisations/import")


def _page(form, preview=None, confirm=None, status=200, problem=None):
    return render_template("imports/index.html", form=form, preview=preview, confirm=confirm, problem=problem), status


@bp.route("/", methods=["GET", "POST"])
@access(STAFF)
def index():
    form = ImportUploadForm()
    if not form.validate_on_submit():
        return _page(form, status=422 if form.errors else 200)
    upload = form.file.data
    with upload.stream:  # a large upload is a temporary file: closed at once
        data = upload.read()
    try:
        preview = services.dry_run(data, upload.filename or "import")
    except services.ImportFileError as error:
        return _page(form, status=422, problem=error.message)
    confirm = None
    if not preview.plan.errors:
        confirm = ImportConfirmForm(checksum=services.keep_file(data), filename=preview.source.filename, formdata=None)
    return _page(form, preview, confirm, status=200 if confirm else 422)


@bp.route("/confirm", methods=["POST"])
@access(STAFF)
def confirm():
    form = ImportConfirmForm()
    data = services.kept_file(form.checksum.data or "") if form.validate_on_submit() else None
    if data is None:
        return _page(
            ImportUploadForm(formdata=None),
            status=400,
            problem=_("Dit bestand is niet (meer) bekend. Laad het opnieuw op en controleer het opnieuw."),
        )
    try:
        preview, outcome = services.run_import(
            current_user, data, form.filename.data or "import", invite=form.invite.data
        )
    except services.ImportFileError as error:
        db.session.rollback()
        return _page(ImportUploadForm(formdata=None), status=422, problem=error.message)
    if outcome is None:
        db.session.rollback()
        return _page(
            ImportUploadForm(formdata=None),
            preview,
            status=409,
            problem=_("Het portaal is intussen veranderd: het bestand heeft nu fouten. Er is niets geïmporteerd."),
        )
    db.session.commit()
    flash(
        _(
            "Import klaar: %(created)d nieuw, %(updated)d gewijzigd, %(unchanged)d ongewijzigd, %(invited)d uitnodigingen.",
            created=outcome.created,
            updated=outcome.updated,
            unchanged=outcome.unchanged,
            invited=outcome.invited,
        ),
        "success",
    )
    return redirect(url_for("imports.index"))
