"""St MBO's to-do lists: the organisations behind each count of the overview on the staff home page
(the submissions, identity changes and failed mails have their own pages)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_babel import lazy_gettext as _l

from impactnet.accounts.access import STAFF, access
from impactnet.database import local_today, utcnow
from impactnet.journey.services import steps
from impactnet.review import todo

bp = Blueprint("todo", __name__, url_prefix="/todo")

TITLES = {
    "staff-step": _l("Wachten op een stap die St MBO vastlegt"),
    "stalled": _l("Staan stil bij een stap"),
    "expiring": _l("Label verloopt binnen %(days)d dagen", days=todo.EXPIRING_DAYS),
    "renewing": _l("Verlenging van het label loopt"),
}
EXPLANATIONS = {
    "staff-step": _l(
        "De stappen hiervoor zijn goedgekeurd; St MBO legt deze stap zelf vast op de pagina van "
        "de organisatie. Langst wachtend eerst, sinds de goedkeuring van de stap ervoor."
    ),
    "stalled": _l(
        "Langer dan de herinneringstermijn van de stap niets veranderd: een concept, gevraagde "
        "wijzigingen of een stap die nog niet is begonnen. Langst stilstaand eerst."
    ),
    "expiring": _l(
        "Organisaties met een label waarvan de geldigheid binnenkort afloopt; wat het eerst afloopt, staat bovenaan."
    ),
    "renewing": _l(
        "Organisaties met een (verlopen) label die aan een nieuwe beoordeling werken: begonnen, "
        "ingediend of gevraagd om aan te passen."
    ),
}


@bp.route("/<kind>")
@access(STAFF)
def waiting_list(kind: str):
    if kind not in todo.KINDS:
        abort(404)
    now, today = utcnow(), local_today()
    path = steps()
    items = todo.waiting(kind, path, now, today)
    return render_template(
        "todo/list.html",
        kind=kind,
        title=TITLES[kind],
        explanation=EXPLANATIONS[kind],
        items=items,
        now=now,
        today=today,
        staff_steps=todo.staff_steps(path),
    )
