"""The public region overview: aggregates only, from the latest growth snapshots (cached)."""
from __future__ import annotations

from flask import Blueprint, render_template
from markupsafe import Markup

from impactnet.database import local_today
from impactnet.regions.dashboard import region_overview
from impactnet.stats.cache import cached

bp = Blueprint("overview", __name__)


@bp.route("/regions")
def index():
    year = local_today().year

    def render():
        rows, region, as_of = region_overview(year)
        return render_template("regions/_overview.html", rows=rows, region=region, as_of=as_of, year=year)

    return render_template("regions/overview.html", content=Markup(cached(render, "overview", year)))
