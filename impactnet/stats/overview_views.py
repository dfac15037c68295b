"""The public region overview: aggregates only, from the latest growth snapshots (cached)."""

from __future__ import annotations

from flask import Blueprint, render_template
from markupsafe import Markup

from impactnet.accounts.access import EVERYONE, access
from impactnet.core.response_cache import keep_response
from impactnet.database import local_today
from impactnet.extensions import db
from impactnet.stats.cache import FIGURES, cached
from impactnet.stats.dashboard import figures_never_computed, region_overview
from impactnet.stats.services import compute_missing_figures

bp = Blueprint("overview", __name__)


@bp.route("/regions")
@keep_response(FIGURES)  # impactnet.core.response_cache: the whole page, per visitor
@access(EVERYONE)
def index():
    today = local_today()

    def render():
        rows, region, as_of = region_overview(today)
        if as_of is None and figures_never_computed():
            compute_missing_figures(today)  # organisations, but the snapshot job has not run yet
            db.session.commit()
            rows, region, as_of = region_overview(today)
        return render_template(
            "regions/_overview.html", rows=rows, region=region, as_of=as_of, year=today.year, today=today
        )

    return render_template("regions/overview.html", content=Markup(cached(render, "overview", today)))
