"""Municipalities: staff keep them and their targets; viewers see their own counts."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime, format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from impactnet.accounts.access import OWN_MUNICIPALITY_OR_STAFF, STAFF, access
from impactnet.accounts.models import Role
from impactnet.core.rendering import refused_field, render_form
from impactnet.core.response_cache import keep_response
from impactnet.database import local_today
from impactnet.extensions import db, talisman
from impactnet.regions import services
from impactnet.regions.forms import MunicipalityForm, TargetForm
from impactnet.stats import dashboard
from impactnet.stats.cache import FIGURES, cached
from impactnet.stats.charts import SIZES, growth_svg
from impactnet.stats.dashboard import all_targets, counters_missing, current_target, municipality_dashboard
from impactnet.stats.models import REGION
from impactnet.stats.results import results_html
from impactnet.stats.services import compute_missing_figures, latest_snapshots, series

bp = Blueprint("regions", __name__, url_prefix="/municipalities")
AS_OF_FORMAT = "d MMMM y, HH:mm"  # "1 december 2026, 14:05" (as templates/figures/_macros.html)


bp.add_app_template_global(results_html, "target_results_html")
bp.add_app_template_global(dashboard.SMALLEST_SHOWN, "smallest_shown")  # the small-cell rule's threshold


@bp.app_template_filter("suppressed")
def suppressed_filter(n: int) -> str:
    return dashboard.suppressed(n)


@bp.app_template_filter("decimal")
def decimal_filter(value: float, digits: int = 1) -> str:
    """A number with ``digits`` decimals in the page's language (4,5 in Dutch, 4.5 in English)."""
    return format_decimal(round(value, digits), format="#,##0." + "0" * digits)


def _municipality_or_404(slug: str):
    return services.municipality_by_slug(slug) or abort(404)


@bp.route("/")
@access(STAFF)
def index():
    snapshots = latest_snapshots()
    return render_template(
        "regions/index.html",
        municipalities=services.list_municipalities(),
        counts=snapshots,
        region=snapshots.get(REGION),
    )


def _viewable_municipality_or_404(slug: str) -> services.MunicipalityFacts:
    """Staff see every municipality's dashboard, a municipality viewer only their own. The lookup is
    kept with the figures (a change to a municipality empties that cache), so a page view reads none."""
    municipality = cached(lambda: services.municipality_facts(slug), "municipality", slug) or abort(404)
    if current_user.role is Role.MUNICIPALITY and current_user.municipality_id != municipality.id:
        abort(403)
    return municipality


def _months(municipality, today):
    """The last two years' monthly snapshots (one query)."""
    return series(municipality.id, today.replace(year=today.year - 2, day=1), today)


def current_dashboard(municipality, today):
    """The dashboard's figures; when they were never computed (the snapshot job has not run since
    the organisations or the backfilled days came), they are computed and committed first, so the
    page shows the real counts. Runs on a cache miss only: a cached page reads nothing."""
    board = municipality_dashboard(municipality, today)
    if counters_missing(board):
        compute_missing_figures(today)
        db.session.commit()
        board = municipality_dashboard(municipality, today)
    return board


@bp.route("/<slug>")
@keep_response(FIGURES)  # impactnet.core.response_cache: the whole page, for this sign-in
@access(OWN_MUNICIPALITY_OR_STAFF)
def show(slug: str):
    municipality = _viewable_municipality_or_404(slug)
    today = local_today()

    def render():
        board = current_dashboard(municipality, today)
        return render_template(
            "regions/_dashboard.html",
            municipality=municipality,
            today=today,
            board=board,
            months=_months(municipality, today),
        )

    content = cached(render, "dashboard", municipality.id, today)
    return render_template("regions/show.html", municipality=municipality, content=Markup(content))


# The CSP of the pages forbids inline styles; pygal styles its SVG with an inline <style>.
# Allowing that for this one image response is safe: it carries no script (none is
# allowed either), and an SVG shown through <img> can neither run scripts nor load
# anything, so the inline style can only change how the chart itself looks.
SVG_POLICY = {"default-src": "'none'", "style-src": "'unsafe-inline'", "frame-ancestors": "'none'"}


@bp.route("/<slug>/growth.svg")
@talisman(content_security_policy=SVG_POLICY)  # outermost: talisman reads it off the registered view
@access(OWN_MUNICIPALITY_OR_STAFF)
def growth_chart(slug: str):
    municipality = _viewable_municipality_or_404(slug)
    today = local_today()
    size = request.args.get("size", "wide")
    if size not in SIZES:
        abort(404)

    def draw():
        target, projection = current_target(municipality.id, today.year)
        months = _months(municipality, today)
        title = _("Groei in %(name)s", name=municipality.name)
        if months:  # when the latest month's figures were computed, as the page says beside them
            title += "\n" + _("Stand van %(moment)s", moment=format_datetime(months[-1].computed_at, AS_OF_FORMAT))
        return growth_svg(
            title, months, target, projection, targets=[t for t, _p in all_targets(municipality.id)], size=size
        )

    svg = cached(draw, "growth-chart", size, municipality.id, today)
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "private, max-age=300"})


def _save_municipality(form, municipality=None):
    try:
        if municipality is None:
            municipality = services.create_municipality(
                current_user,
                form.name.data,
                form.slug.data,
                form.joined_on.data,
                bool(form.active.data),
                form.postcode_ranges.data or "",
            )
        else:
            services.update_municipality(
                current_user,
                municipality,
                form.name.data,
                form.slug.data,
                form.joined_on.data,
                bool(form.active.data),
                form.postcode_ranges.data or "",
            )
    except services.RegionError as error:
        refused_field(getattr(form, error.field), error.message)
        return None
    db.session.commit()
    flash(_("Gemeente %(name)s is opgeslagen.", name=municipality.name), "success")
    return redirect(url_for("regions.edit", slug=municipality.slug))


@bp.route("/new", methods=["GET", "POST"])
@access(STAFF)
def new():
    form = MunicipalityForm()
    if form.validate_on_submit() and (response := _save_municipality(form)):
        return response
    return render_form("regions/edit.html", form, municipality=None, target_form=None)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@access(STAFF)
def edit(slug: str):
    municipality = _municipality_or_404(slug)
    form = MunicipalityForm(obj=municipality)
    if form.validate_on_submit() and (response := _save_municipality(form, municipality)):
        return response
    return render_form("regions/edit.html", form, municipality=municipality, target_form=TargetForm(formdata=None))


@bp.route("/<slug>/targets", methods=["POST"])
@access(STAFF)
def save_target(slug: str):
    municipality = _municipality_or_404(slug)
    target_form = TargetForm()
    if target_form.validate_on_submit():
        try:
            services.save_target(
                current_user,
                municipality,
                target_form.year.data,
                target_form.partners_wanted.data,
                target_form.labelled_wanted.data,
            )
        except services.RegionError as error:
            refused_field(getattr(target_form, error.field), error.message)
        else:
            db.session.commit()
            flash(_("Het doel voor %(year)s is opgeslagen.", year=target_form.year.data), "success")
            return redirect(url_for("regions.edit", slug=municipality.slug))
    form = MunicipalityForm(obj=municipality, formdata=None)
    return render_template("regions/edit.html", form=form, municipality=municipality, target_form=target_form), 422
