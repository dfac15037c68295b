"""Home page, each role's dashboard, the language switch and the health check."""
from __future__ import annotations

import logging
from datetime import date
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from impactnet.accounts.forms import ResendVerificationForm
from impactnet.accounts.models import Role
from impactnet.accounts.services import set_locale
from impactnet.audit.labels import AUDIT_LABELS
from impactnet.core import data_version
from impactnet.core.forms import LanguageForm
from impactnet.core.guards import answers_any_host
from impactnet.core.locale import SESSION_KEY
from impactnet.core.rendering import safe_next
from impactnet.database import local_today, utcnow
from impactnet.extensions import db, limiter, talisman
from impactnet.journey.overview import journey_overview
from impactnet.journey.services import steps as journey_steps
from impactnet.organisations.models import Organisation
from impactnet.organisations.services import history
from impactnet.regions.services import list_municipalities
from impactnet.review import todo
from impactnet.review.services import review_queue
from impactnet.stats.models import REGION
from impactnet.stats.services import latest_snapshots

bp = Blueprint("core", __name__)
# The staff's to-do overview lists this many of the oldest submissions (the queue has them all).
OLDEST_SHOWN = 5
log = logging.getLogger(__name__)


@bp.app_template_filter("audit_label")
def audit_label(action) -> str:
    return str(AUDIT_LABELS.get(action, action))


@bp.route("/")
def home():
    return render_template("core/home.html", region=latest_snapshots().get(REGION))


@bp.route("/dashboard")
@login_required
def dashboard():
    if current_user.role is Role.PARTNER:
        name, content = _partner_dashboard(current_user.organisation_id, local_today())
        return render_template("core/dashboard_partner.html", name=name, content=Markup(content),
                               resend_form=ResendVerificationForm())
    if current_user.role is Role.MUNICIPALITY:
        return redirect(url_for("regions.show", slug=current_user.municipality.slug))
    snapshots, path, now = latest_snapshots(), journey_steps(), utcnow()
    return render_template("core/dashboard_staff.html", region=snapshots.get(REGION),
                           municipalities=list_municipalities(), counts=snapshots, now=now,
                           todo=todo.counts(path, now, local_today()), staff_steps=todo.staff_steps(path),
                           oldest=review_queue(now, limit=OLDEST_SHOWN), expiring_days=todo.EXPIRING_DAYS)


def _partner_dashboard(organisation_id: int, today: date) -> tuple[str, str]:
    """The organisation's name and its part of the dashboard (journey, label, latest events), kept
    under the data version: read again only after a write, rendered once for all its users."""
    def render() -> tuple[str, str]:
        organisation = db.session.get(Organisation, organisation_id)
        journey = journey_overview(organisation)
        return organisation.name, render_template(
            "core/_dashboard_partner.html", organisation=organisation, today=today, journey=journey,
            history=history(organisation, limit=5), step_titles=journey.step_titles)

    return data_version.cached(render, "partner-dashboard", organisation_id, today)


@bp.route("/language", methods=["POST"])
def set_language():
    """The footer's language switch: remembered in the session, and for a
    signed-in user on the account (pages and mails follow it)."""
    form = LanguageForm()
    if not form.validate_on_submit():
        message = _("Deze taal kennen we niet. Kies Nederlands of English.")
        return render_template("errors/error.html", code=400, message=message), 400
    session[SESSION_KEY] = form.locale.data
    if current_user.is_authenticated:
        set_locale(current_user, form.locale.data)
        db.session.commit()
    target = safe_next(form.next.data)
    return redirect(target if target and _answers_get(target) else url_for("core.home"))


def _answers_get(path: str) -> bool:
    """Whether a GET of ``path`` reaches a page: the switch on a page that answered a POST (a
    refused form at a POST-only address) must not lead to a 405."""
    try:
        current_app.url_map.bind("localhost").match(urlsplit(path).path, method="GET")
    except RequestRedirect:
        return True
    except HTTPException:
        return False
    return True


@bp.route("/healthz")
@talisman(force_https=False)  # outermost, with the next: both are read off the registered view
@answers_any_host
@limiter.exempt
def healthz():
    """For load balancers, which call it over plain HTTP by an internal address: answered directly,
    whatever the host and scheme (no redirect to HTTPS, no host check)."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except Exception:  # any failure to reach the database is "unavailable"
        log.exception("health check: database unreachable")
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
