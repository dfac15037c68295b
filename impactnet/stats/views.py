""" "Zo tellen we": the public page that says what each figure counts (impactnet.stats.definitions)."""

from __future__ import annotations

from flask import Blueprint, render_template

from impactnet.accounts.access import EVERYONE, access
from impactnet.stats.definitions import DEFINITIONS, PARTS

bp = Blueprint("figures", __name__)


# Every template may name a figure by its definition (templates/figures/_macros.html): set once.
bp.record_once(lambda state: state.app.jinja_env.globals.update(figure_definitions=DEFINITIONS))


@bp.route("/zo-tellen-we")
@access(EVERYONE)
def how_we_count():
    return render_template(
        "figures/how_we_count.html",
        definitions=DEFINITIONS,
        names=("partners", *PARTS, "applicants", "new_partners", "new_labels"),
    )
