"""Home page, each role's dashboard, the language switch and the health check."""

from __future__ import annotations

import logging
from datetime import date
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from impactnet.accounts.access import EVERYONE, SIGNED_IN, access
from impactnet.accounts.forms import ResendVerificationForm
from impactnet.accounts.models import Role
from impactnet.accounts.services import set_locale
from impactnet.audit.labels import AUDIT_LABELS
from impactnet.core import kept
from impactnet.core.forms import LanguageForm
from impactnet.core.guards import answers_any_host
from impactnet.core.locale import SESSION_KEY
from impactnet.core.rendering import safe_next
from impactnet.core.response_cache import forget_response, keep_response
from impactnet.database import local_today, utcnow
from impactnet.extensions import db, limiter, talisman
from impactnet.journey.models import StepKind
from impactnet.journey.overview import journey_overview
from impactnet.journey.services import steps as journey_steps
from impactnet.organisations.models import Organisation, OrganisationStatus
from impactnet.organisations.services import history
from impactnet.regions.services import list_municipalities
from impactnet.review import todo
from impactnet.review.services import review_queue
from impactnet.sessions.forms import ButtonForm
from impactnet.sessions.services import offer_for
from impactnet.stats.models import REGION
from impactnet.stats.services import latest_snapshots

bp = Blueprint("home", __name__)
# The staff's to-do overview lists this many of the oldest submissions (the queue has them all).
OLDEST_SHOWN = 5
log = logging.getLogger(__name__)


@bp.app_template_filter("audit_label")
def audit_label(action) -> str:
    return str(AUDIT_LABELS.get(action, action))


@bp.route("/")
@access(EVERYONE)
def home():
    return render_template("home/home.html", region=latest_snapshots().get(REGION))


@bp.route("/dashboard")
@keep_response(kept.KEPT)  # the partner's whole page (impactnet.core.response_cache), for this sign-in
@access(SIGNED_IN)
def dashboard():
    if current_user.role is Role.PARTNER:
        return partner_dashboard_page()
    forget_response()  # the staff's shows the figures and the time: never kept whole
    if current_user.role is Role.MUNICIPALITY:
        return redirect(url_for("regions.show", slug=current_user.municipality.slug))
    snapshots, path, now = latest_snapshots(), journey_steps(), utcnow()
    return render_template(
        "home/dashboard_staff.html",
        region=snapshots.get(REGION),
        municipalities=list_municipalities(),
        counts=snapshots,
        now=now,
        todo=todo.counts(path, now, local_today()),
        staff_steps=todo.staff_steps(path),
        oldest=review_queue(now, limit=OLDEST_SHOWN),
        expiring_days=todo.EXPIRING_DAYS,
    )


def partner_dashboard_page(status: int = 200):
    """The signed-in partner's dashboard; with the inspiration sessions (and their buttons, which
    carry the user's form token, so never kept) while the organisation waits for the session."""
    name, top, rest, waits_for_session = _partner_dashboard(current_user.organisation_id, local_today())
    offer = offer_for(current_user.organisation, utcnow()) if waits_for_session else None
    if offer is not None:
        forget_response()  # the sessions on offer change with the clock
    return render_template(
        "home/dashboard_partner.html",
        name=name,
        top=Markup(top),
        rest=Markup(rest),
        offer=offer,
        button_form=ButtonForm(),
        resend_form=ResendVerificationForm(),
    ), status


def _partner_dashboard(organisation_id: int, today: date) -> tuple[str, str, str, bool]:
    """The organisation's name, its part of the dashboard (journey, label, latest events: above and
    below the sessions) and whether it waits for an inspiration session, kept (:mod:`impactnet.core.kept`):
    read again only after a write that counts, rendered once for all its users."""

    def render() -> tuple[str, str, str, bool]:
        organisation = db.session.get(Organisation, organisation_id)
        journey = journey_overview(organisation)
        context = {
            "organisation": organisation,
            "today": today,
            "journey": journey,
            "history": history(organisation, limit=5),
            "step_titles": journey.step_titles,
        }
        current = journey.current
        waits = (
            current is not None
            and current.step.kind is StepKind.STAFF_RECORDED
            and organisation.status is not OrganisationStatus.WITHDRAWN
            and organisation.erased_at is None
        )
        return (
            organisation.name,
            render_template("home/_dashboard_partner.html", **context),
            render_template("home/_dashboard_partner_more.html", **context),
            waits,
        )

    return kept.cached(render, "partner-dashboard", organisation_id, today)


@bp.route("/language", methods=["POST"])
@access(EVERYONE)
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
    return redirect(target if target and _answers_get(target) else url_for("home.home"))


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
@access(EVERYONE)
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
