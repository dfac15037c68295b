"""CSV and XLSX downloads of the dashboards' tables.

Who may download what is what the dashboards show: the region table is public
(aggregate figures, like /api/v1/regions); a municipality's monthly series is
for staff and for viewers of that municipality (visitors to the login page,
another municipality's viewer 403), and so are the tables of its dashboard
(``/municipalities/<slug>/tables/<name>.csv``: new, funnel, sectors, sizes,
targets), with the same "< 5" for small numbers as the page. Each file has two URLs, ``.csv`` and
``.xlsx``, on one endpoint: ``url_for("exports.series", slug=..., fmt="xlsx")``.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from impactnet.accounts.access import EVERYONE, OWN_MUNICIPALITY_OR_STAFF, access
from impactnet.api.services import may_read_series
from impactnet.core import tables as formats
from impactnet.core.params import ParameterError, date_range
from impactnet.database import local_today, utcnow
from impactnet.exports import services
from impactnet.exports.headings import for_people
from impactnet.regions.services import municipality_by_slug
from impactnet.stats.region_views import current_dashboard

bp = Blueprint("exports", __name__)

CSV, XLSX = {"fmt": "csv"}, {"fmt": "xlsx"}


def _download(table: formats.Table, fmt: str, filename: str, cache: str):
    """The table for people, in the page's language: its headings as words, and a CSV as that
    language's Excel opens it (``;`` and decimal commas in Dutch)."""
    response = formats.download(for_people(table), fmt, filename, cache)
    response.vary.add("Cookie")  # the language is the reader's
    return response


@bp.get("/regions.csv", defaults=CSV)
@bp.get("/regions.xlsx", defaults=XLSX)
@access(EVERYONE)
def regions(fmt: str):
    today = local_today()
    table = services.regions_table(utcnow(), today.year)
    return _download(table, fmt, services.regions_filename(today, fmt), "public, max-age=300")


@bp.get("/municipalities/<slug>/series.csv", defaults=CSV)
@bp.get("/municipalities/<slug>/series.xlsx", defaults=XLSX)
@access(OWN_MUNICIPALITY_OR_STAFF)
def series(slug: str, fmt: str):
    municipality = municipality_by_slug(slug) or abort(404)
    if not may_read_series(current_user, municipality):
        abort(403)
    try:
        start, end = date_range(request.args, local_today())
    except ParameterError as error:
        return render_template("errors/error.html", code=400, message=error.error), 400
    table = services.series_table(municipality, start, end, utcnow())
    return _download(table, fmt, services.series_filename(municipality, start, end, fmt), "private, no-store")


@bp.get("/municipalities/<slug>/tables/<name>.csv", defaults=CSV)
@bp.get("/municipalities/<slug>/tables/<name>.xlsx", defaults=XLSX)
@access(OWN_MUNICIPALITY_OR_STAFF)
def dashboard_table(slug: str, name: str, fmt: str):
    municipality = municipality_by_slug(slug) or abort(404)
    if not may_read_series(current_user, municipality):
        abort(403)
    if name not in services.DASHBOARD_TABLES:
        abort(404)
    today = local_today()
    table = services.dashboard_table(current_dashboard(municipality, today), name)
    return _download(table, fmt, services.dashboard_filename(municipality, name, today, fmt), "private, no-store")
