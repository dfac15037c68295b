"""The public directory, its open data (CSV and JSON), label verification and the badge.

All public and read-only (GET), so no CSRF token is involved; no route shows anything of an
organisation that did not opt in, except the label status of one that had a label.
"""

from __future__ import annotations

import functools
import io

from flask import Blueprint, Response, current_app, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import lazy_gettext as _l

from impactnet.accounts.access import EVERYONE, access
from impactnet.core.params import ParameterError
from impactnet.core.tables import CSV_MIMETYPE, to_csv
from impactnet.database import local_today, utcnow
from impactnet.directory import export
from impactnet.directory.params import directory_filters
from impactnet.directory.services import PAGE_SIZE, PublicStatus, goals_of, search, verifiable, verified
from impactnet.journey.services import active_goals
from impactnet.organisations.choices import SECTORS
from impactnet.organisations.identifiers import is_kvk, normalise_kvk
from impactnet.organisations.identity import identity_history
from impactnet.organisations.views import page_parts
from impactnet.regions.services import list_municipalities

bp = Blueprint("directory", __name__)


@page_parts.connect
def _label_check_on_organisation_page(organisation, *, today, staff) -> dict:
    """The organisation's page shows what the public label check answers for it."""
    return {"public_status": verifiable(organisation, today)}


OPEN_DATA_PAGE_SIZE = 100
# A revoked or expired label must show on partners' sites within the hour.
BADGE_CACHE = "public, max-age=600"

PUBLIC_STATUS_LABELS = {
    PublicStatus.LABELLED: _l("Label geldig"),
    PublicStatus.EXPIRED: _l("Label verlopen"),
    PublicStatus.REVOKED: _l("Label ingetrokken"),
    PublicStatus.WORKING_TOWARD_LABEL: _l("Werkt aan het label"),
    PublicStatus.PARTNER: _l("Partner"),
}


@bp.app_template_filter("public_status_label")
def public_status_label(status) -> str:
    return str(PUBLIC_STATUS_LABELS.get(status, status))


def _filters(municipalities):
    return directory_filters(request.args, {m.slug for m in municipalities})


@bp.get("/directory")
@access(EVERYONE)
def index():
    municipalities = list_municipalities(active_only=True)
    goals = active_goals()
    context = {
        "municipalities": municipalities,
        "goals": goals,
        "sectors": SECTORS,
        "statuses": PUBLIC_STATUS_LABELS,
        "args": request.args,
    }
    try:
        filters = _filters(municipalities)
    except ParameterError as error:
        return render_template("directory/index.html", error=error, page=None, filters=None, **context), 400
    page = search(filters, local_today())
    return render_template(
        "directory/index.html",
        error=None,
        page=page,
        filters=filters,
        pages=None if page.more_than_total else max(1, -(-page.total // PAGE_SIZE)),
        **context,
    )


@bp.errorhandler(ParameterError)
def _bad_parameter(error: ParameterError):
    """The open data's answer to a bad parameter (the page shows it in its form instead)."""
    return jsonify(error.as_json()), 400


def _open_data_page():
    """The filters and the matching page of the CSV and JSON (raises ParameterError)."""
    filters = _filters(list_municipalities(active_only=True))
    return filters, search(filters, local_today(), page_size=OPEN_DATA_PAGE_SIZE)


@bp.get("/directory.json")
@access(EVERYONE)
def as_json():
    filters, page = _open_data_page()
    return jsonify(
        {
            "generated_at": utcnow().isoformat(),
            "page": filters.page,
            "page_size": OPEN_DATA_PAGE_SIZE,
            "total": None if page.more_than_total else page.total,
            "has_next": page.has_next,
            "items": [export.item(entry) for entry in page.entries],
        }
    )


@bp.get("/directory.csv")
@access(EVERYONE)
def as_csv():
    filters, page = _open_data_page()
    return send_file(
        io.BytesIO(to_csv(export.table(page.entries))),
        mimetype=CSV_MIMETYPE,
        as_attachment=True,
        download_name=f"impactnet-partners-{local_today().isoformat()}-p{filters.page}.csv",
    )


@bp.get("/verify")
@access(EVERYONE)
def verify_form():
    """The search box of the verification page: a KvK number leads to its page."""
    raw = request.args.get("kvk")
    if raw is None:
        return render_template("directory/verify_form.html", error=None)
    kvk = normalise_kvk(raw[:40])
    if kvk is None:
        return render_template("directory/verify_form.html", error=True), 400
    return redirect(url_for("directory.verify", kvk=kvk))


@functools.lru_cache(maxsize=4096)
def _qr_code(url: str) -> str:
    """The QR code of ``url`` as an SVG data URI (drawing one takes milliseconds; a URL's never changes)."""
    import segno  # here, not at the top: only this page draws a QR code (about 1 MB per worker otherwise)

    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


@bp.get("/verify/<kvk>")
@access(EVERYONE)
def verify(kvk: str):
    if not is_kvk(kvk):
        return render_template("directory/verify_form.html", error=True), 400
    found = verified(kvk, local_today())
    if found is None:
        response = current_app.make_response((render_template("directory/unknown.html", kvk=kvk), 404))
    else:
        organisation = found.organisation
        # The QR code leads to the organisation's current number, also when asked by a former one.
        url = current_app.config["PUBLIC_URL"] + url_for("directory.verify", kvk=organisation.kvk_number)
        response = current_app.make_response(
            render_template(
                "directory/verify.html",
                organisation=organisation,
                status=found.status,
                asked_kvk=kvk,
                former_until=found.former_until,
                former_identities=identity_history(organisation),
                goals=goals_of(organisation),
                checked_at=utcnow(),
                url=url,
                qr_code=_qr_code(url),
            )
        )
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/badge/<kvk>.svg")
@access(EVERYONE)
def badge(kvk: str):
    well_formed = is_kvk(kvk)
    found = verified(kvk, local_today()) if well_formed else None
    status = found.status if found else None
    svg = render_template(
        "directory/badge.svg", status=status, label=public_status_label(status) if status else str(_l("Onbekend"))
    )
    response = Response(svg, status=200 if status else 404 if well_formed else 400, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = BADGE_CACHE
    return response
