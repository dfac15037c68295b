"""St MBO's workspace over many organisations: the search (filters, sort, pages), its export, the
organisations a staff member manages. Bulk actions on a search are :mod:`.bulk_views`."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from impactnet.accounts.access import STAFF, access
from impactnet.core import tables as formats
from impactnet.core.locale import localized
from impactnet.core.params import ParameterError
from impactnet.database import local_today
from impactnet.extensions import db
from impactnet.journey.overview import journey_overview
from impactnet.journey.services import steps
from impactnet.organisations import notes
from impactnet.organisations.choices import SECTORS, SIZE_CLASSES
from impactnet.organisations.models import OrganisationStatus
from impactnet.organisations.notes import account_manager_choices
from impactnet.organisations.views import status_label
from impactnet.regions.services import list_municipalities
from impactnet.workspace import search
from impactnet.workspace.search_export import export_table
from impactnet.workspace.search_params import NO_MANAGER, SearchParams, search_params

bp = Blueprint("workspace", __name__, url_prefix="/organisations")


def search_or_error(args=None):
    """The search the query parameters (or ``args``) ask for, and what the page's form offers; or the error."""
    municipalities, all_steps, managers = list_municipalities(), steps(), account_manager_choices()
    context = {
        "municipalities": [(m.slug, m.name) for m in municipalities],
        "managers": [(str(u.id), u.name or u.email) for u in managers] + [(NO_MANAGER, _("Geen"))],
        "statuses": [(s.value, status_label(s)) for s in OrganisationStatus],
        "steps": [(s.key, localized(s, "title")) for s in all_steps],
        "sectors": SECTORS,
        "sizes": SIZE_CLASSES,
        "today": local_today(),
    }
    try:
        params = search_params(
            request.args if args is None else args,
            {m.slug for m in municipalities},
            {s.key for s in all_steps},
            {str(u.id) for u in managers},
        )
    except ParameterError as error:
        return None, error, context
    return params, None, context


@bp.route("/")
@access(STAFF)
def index():
    """Find any organisation: search, filters, sort by column, 50 a page (St MBO)."""
    params, error, context = search_or_error()
    if error is not None:
        return render_template(
            "workspace/index.html", params=SearchParams(), error=error, result=None, args=request.args, **context
        ), 400
    result = search.search_page(params, context["today"]) or abort(404)
    return render_template(
        "workspace/index.html", params=params, error=None, result=result, args=request.args, **context
    )


@bp.get("/export.csv", defaults={"fmt": "csv"})
@bp.get("/export.xlsx", defaults={"fmt": "xlsx"})
@access(STAFF)
def export(fmt: str):
    """The search as a file, with contact people: staff only, recorded in the audit trail."""
    params, error, context = search_or_error()
    if error is not None:
        return render_template("errors/error.html", code=400, message=parameter_error_text(error)), 400
    table = export_table(current_user, params, context["today"], fmt)
    db.session.commit()
    return table_download(table, fmt, context["today"])


def table_download(table, fmt: str, today):
    """The organisations as an attachment (contact people: never cached)."""
    return formats.download(table, fmt, f"organisaties-{today.isoformat()}.{fmt}", "private, no-store")


@bp.app_template_filter("parameter_error")
def parameter_error_text(error: ParameterError) -> str:
    return error.error_en if str(get_locale()) == "en" else error.error


@bp.get("/mine")
@access(STAFF)
def mine():
    """The organisations the signed-in staff member is the account manager of, with where each stands."""
    today = local_today()
    rows = [(organisation, journey_overview(organisation)) for organisation in notes.managed_by(current_user)]
    return render_template("workspace/mine.html", rows=rows, today=today)
