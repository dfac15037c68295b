"""Privacy rights: a signed-in user's data export, and St MBO erasing an organisation on request."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from impactnet.accounts.access import SIGNED_IN, STAFF, access
from impactnet.core.rendering import refused
from impactnet.database import local_today
from impactnet.extensions import db
from impactnet.mail.messages import public_url
from impactnet.organisations.models import Organisation
from impactnet.organisations.views import organisation_page, page_parts
from impactnet.privacy import services
from impactnet.privacy.export import account_data
from impactnet.privacy.forms import ErasureForm

bp = Blueprint("privacy", __name__)


@page_parts.connect
def _erasure_on_organisation_page(organisation, *, today, staff) -> dict:
    """The organisation's page offers erasure, asking for the KvK number as confirmation."""
    return {"erase_form": ErasureForm(formdata=None, kvk_number=organisation.kvk_number)}


@bp.route("/account/data.json")
@access(SIGNED_IN)
def export():
    """Everything impactnet holds about the signed-in user (and a partner's organisation)."""
    data = account_data(
        current_user._get_current_object(),
        lambda item: public_url("journey.download", organisation_id=item.organisation_id, evidence_id=item.id),
    )
    response = Response(json.dumps(data, ensure_ascii=False, indent=2), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="impactnet-gegevens-{local_today()}.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/organisations/<int:organisation_id>/erase", methods=["POST"])
@access(STAFF)
def erase(organisation_id: int):
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    form = ErasureForm(kvk_number=organisation.kvk_number)
    if organisation.erased_at is None and not form.validate_on_submit():
        return organisation_page(organisation, 422, erase_form=form)
    try:
        services.erase_organisation(current_user, organisation, form.reason.data or "")
    except services.ErasureError as error:
        refused(str(error))
        return organisation_page(db.session.get(Organisation, organisation_id), 409)
    db.session.commit()
    flash(_("De persoonsgegevens van de organisatie zijn gewist. De tellingen blijven kloppen."), "success")
    return redirect(url_for("organisations.show", organisation_id=organisation_id))
